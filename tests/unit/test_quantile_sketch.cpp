// The quantile store: exact (History Server ranks) up to its capacity, bounded error beyond.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "eventlog/quantile_sketch.h"

using sm::eventlog::QuantileSketch;

TEST_CASE("quantile ranks follow the History Server formula", "[quantile]") {
  // min(floor(q * n), n - 1)
  CHECK(QuantileSketch::hs_rank(0.0, 10) == 0);
  CHECK(QuantileSketch::hs_rank(0.05, 10) == 0);
  CHECK(QuantileSketch::hs_rank(0.25, 10) == 2);
  CHECK(QuantileSketch::hs_rank(0.5, 10) == 5);
  CHECK(QuantileSketch::hs_rank(0.95, 10) == 9);
  CHECK(QuantileSketch::hs_rank(1.0, 10) == 9);
  CHECK(QuantileSketch::hs_rank(0.5, 1) == 0);
}

TEST_CASE("exact below capacity", "[quantile]") {
  QuantileSketch s(1000);
  std::vector<int64_t> v;
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    int64_t x = static_cast<int64_t>(rng() % 100000);
    v.push_back(x);
    s.add(x);
  }
  REQUIRE(s.exact());
  std::sort(v.begin(), v.end());
  std::vector<uint64_t> ranks = {0, 50, 250, 500, 750, 950, 999};
  auto got = s.at_ranks(ranks);
  for (size_t i = 0; i < ranks.size(); ++i) CHECK(got[i] == static_cast<double>(v[ranks[i]]));
}

TEST_CASE("bounded memory and rank error beyond capacity", "[quantile]") {
  constexpr uint32_t kCap = 4096;
  constexpr int kN = 1'000'000;
  QuantileSketch s(kCap);
  std::vector<int64_t> v;
  v.reserve(kN);
  std::mt19937_64 rng(11);
  for (int i = 0; i < kN; ++i) {
    // A skewed distribution like task durations.
    int64_t x = static_cast<int64_t>(std::exp(static_cast<double>(rng() % 10000) / 1000.0));
    v.push_back(x);
    s.add(x);
  }
  CHECK_FALSE(s.exact());
  CHECK(s.count() == static_cast<uint64_t>(kN));
  std::sort(v.begin(), v.end());
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
    uint64_t rank = QuantileSketch::hs_rank(q, kN);
    double got = s.at_ranks({rank})[0];
    // Where does the returned value really rank? Within 1% of n of the requested rank.
    auto lo = static_cast<double>(std::lower_bound(v.begin(), v.end(), static_cast<int64_t>(got)) - v.begin());
    auto hi = static_cast<double>(std::upper_bound(v.begin(), v.end(), static_cast<int64_t>(got)) - v.begin());
    double r = static_cast<double>(rank);
    double err = r < lo ? lo - r : r > hi ? r - hi : 0.0;
    INFO("q=" << q);
    CHECK(err <= 0.01 * kN);
  }
}
