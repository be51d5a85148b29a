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

uint64_t QuantileSketch::hs_rank(double q, uint64_t n) {
  if (n == 0) return 0;
  // Scala: math.min((q * count).toLong, count - 1); toLong truncates toward zero.
  double r = q * static_cast<double>(n);
  uint64_t rank = r <= 0 ? 0 : static_cast<uint64_t>(r);
  return std::min(rank, n - 1);
}

std::vector<double> QuantileSketch::at_ranks(const std::vector<uint64_t>& ranks) const {
  if (levels_.size() == 1) {
    // Exact: each rank is an element of the sorted values (the History Server's answer).
    std::vector<int64_t> sorted = levels_[0];
    std::vector<double> out;
    out.reserve(ranks.size());
    for (uint64_t rank : ranks) {
      if (sorted.empty()) {
        out.push_back(0.0);
        continue;
      }
      auto idx = static_cast<std::ptrdiff_t>(std::min<uint64_t>(rank, sorted.size() - 1));
      std::nth_element(sorted.begin(), sorted.begin() + idx, sorted.end());
      out.push_back(static_cast<double>(sorted[static_cast<size_t>(idx)]));
    }
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
