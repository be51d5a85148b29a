#pragma once
// Per-metric value store for task-summary quantiles with bounded memory.
//
// The History Server computes taskSummary quantiles exactly: it sorts the successful tasks of a
// stage attempt by each metric and takes the element at index min(floor(q * n), n - 1). We do
// the same while a stage attempt has at most `exact_capacity` successful tasks, so our answers
// agree with Spark's to the unit. Past that, values are compacted KLL-style (sort a full level,
// keep every other element at twice the weight), which bounds memory to about 3 x capacity
// values per metric whatever the task count, with a rank error of O(1/capacity). Compaction is
// deterministic (alternating offsets), so the same log always gives the same numbers.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sm::eventlog {

class QuantileSketch {
 public:
  explicit QuantileSketch(uint32_t exact_capacity = kDefaultExactCapacity);

  void add(int64_t value);
  uint64_t count() const { return count_; }
  bool exact() const { return levels_.size() <= 1; }

  // Values at the given 0-based ranks of the sorted multiset (ranks must be < count()).
  // Exact while exact(); otherwise the item whose cumulative weight first exceeds the rank.
  std::vector<double> at_ranks(const std::vector<uint64_t>& ranks) const;

  // The History Server's rank for quantile q over n items: min(floor(q * n), n - 1).
  static uint64_t hs_rank(double q, uint64_t n);

  static constexpr uint32_t kDefaultExactCapacity = 32768;

 private:
  uint32_t capacity_for_level(size_t level) const;
  void compact(size_t level);

  uint32_t exact_capacity_;
  uint64_t count_ = 0;
  uint64_t compactions_ = 0;
  // Smallest and largest value added: when they are equal (a metric that is 0 for every task,
  // as spill or input bytes often are) every quantile is that value without a selection.
  int64_t min_ = 0, max_ = 0;
  std::vector<std::vector<int64_t>> levels_;  // level h items weigh 2^h
};

}  // namespace sm::eventlog
