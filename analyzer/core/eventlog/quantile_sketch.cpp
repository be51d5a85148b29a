#include "eventlog/quantile_sketch.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sm::eventlog {
namespace {
// KLL shrinks lower levels' capacities by this factor per level below the top.
constexpr double kLevelShrink = 2.0 / 3.0;
constexpr uint32_t kMinLevelCapacity = 8;
}  // namespace

QuantileSketch::QuantileSketch(uint32_t exact_capacity)
    : exact_capacity_(std::max(exact_capacity, kMinLevelCapacity)) {
  levels_.emplace_back();
}

uint32_t QuantileSketch::capacity_for_level(size_t level) const {
  // The top level keeps the full capacity; each level below shrinks geometrically, as in KLL.
  size_t depth_below_top = levels_.size() - 1 - level;
  double cap = static_cast<double>(exact_capacity_) * std::pow(kLevelShrink, static_cast<double>(depth_below_top));
  return std::max(kMinLevelCapacity, static_cast<uint32_t>(cap));
}

void QuantileSketch::add(int64_t value) {
  if (count_ == 0 || value < min_) min_ = value;
  if (count_ == 0 || value > max_) max_ = value;
  ++count_;
  levels_[0].push_back(value);
  // A single level holds every value exactly up to exact_capacity_; after the first
  // compaction the KLL capacities apply.
  uint32_t cap = levels_.size() == 1 ? exact_capacity_ : capacity_for_level(0);
  if (levels_[0].size() > cap) compact(0);
}

void QuantileSketch::compact(size_t level) {
  if (level + 1 == levels_.size()) levels_.emplace_back();
  auto& items = levels_[level];
  std::sort(items.begin(), items.end());
  // Keep an odd leftover at this level so total weight stays exactly count_.
  std::vector<int64_t> keep;
  if (items.size() % 2 == 1) {
    keep.push_back(items.back());
    items.pop_back();
  }
  size_t offset = (compactions_++ % 2);
  auto& up = levels_[level + 1];
  for (size_t i = offset; i < items.size(); i += 2) up.push_back(items[i]);
  items = std::move(keep);
  if (up.size() > capacity_for_level(level + 1)) compact(level + 1);
}

// Puts the order statistic of each position want[a..b) (ascending, all within [lo, hi)) in
// place: select the middle one, then each side within its own part. About 2-3 passes over the
// values for the five taskSummary quantiles, where one nth_element per rank made five.
static void select_positions(std::vector<int64_t>& v, size_t lo, size_t hi, const std::vector<size_t>& want, size_t a,
                             size_t b) {
  while (a < b) {
    const size_t mid = a + (b - a) / 2;
    const size_t k = want[mid];
    auto base = v.begin();
    std::nth_element(base + static_cast<std::ptrdiff_t>(lo), base + static_cast<std::ptrdiff_t>(k),
                     base + static_cast<std::ptrdiff_t>(hi));
    select_positions(v, lo, k, want, a, mid);
    lo = k + 1;
    a = mid + 1;
  }
}

uint64_t QuantileSketch::hs_rank(double q, uint64_t n) {
  if (n == 0) return 0;
  // Scala: math.min((q * count).toLong, count - 1); toLong truncates toward zero.
  double r = q * static_cast<double>(n);
  uint64_t rank = r <= 0 ? 0 : static_cast<uint64_t>(r);
  return std::min(rank, n - 1);
}

std::vector<double> QuantileSketch::at_ranks(const std::vector<uint64_t>& ranks) const {
  if (count_ > 0 && min_ == max_) return std::vector<double>(ranks.size(), static_cast<double>(min_));
  if (levels_.size() == 1) {
    // Exact: each rank is an element of the sorted values (the History Server's answer).
    std::vector<double> out(ranks.size(), 0.0);
    if (levels_[0].empty()) return out;
    std::vector<int64_t> values = levels_[0];
    std::vector<size_t> want;  // distinct positions, ascending
    want.reserve(ranks.size());
    for (uint64_t rank : ranks) want.push_back(static_cast<size_t>(std::min<uint64_t>(rank, values.size() - 1)));
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    select_positions(values, 0, values.size(), want, 0, want.size());
    for (size_t i = 0; i < ranks.size(); ++i)
      out[i] = static_cast<double>(values[static_cast<size_t>(std::min<uint64_t>(ranks[i], values.size() - 1))]);
    return out;
  }
  std::vector<std::pair<int64_t, uint64_t>> weighted;  // value, weight
  for (size_t h = 0; h < levels_.size(); ++h)
    for (int64_t v : levels_[h]) weighted.emplace_back(v, uint64_t{1} << h);
  std::sort(weighted.begin(), weighted.end());
  std::vector<uint64_t> cumulative(weighted.size());
  uint64_t sum = 0;
  for (size_t i = 0; i < weighted.size(); ++i) cumulative[i] = (sum += weighted[i].second);
  std::vector<double> out;
  out.reserve(ranks.size());
  for (uint64_t rank : ranks) {
    // First item whose cumulative weight exceeds the rank.
    auto it = std::upper_bound(cumulative.begin(), cumulative.end(), rank);
    if (it == cumulative.end()) {
      out.push_back(weighted.empty() ? 0.0 : static_cast<double>(weighted.back().first));
    } else {
      out.push_back(static_cast<double>(weighted[static_cast<size_t>(it - cumulative.begin())].first));
    }
  }
  return out;
}

}  // namespace sm::eventlog
