#pragma once
// Private state of AppStateBuilder, shared by its .cpp files only.
#include <set>
#include <unordered_set>

#include "eventlog/app_state.h"

namespace sm::eventlog {

// The distinct task indices completed in a stage attempt (History Server numCompletedIndices).
// A bitset for the normal range, a hash set for indices far past the stage's task count (only a
// corrupt or hostile log has those), so memory stays bounded by the real task count.
class IndexSet {
 public:
  // Returns true if idx was not in the set yet.
  bool add(int64_t idx, int64_t expected_max);
  int64_t size() const { return count_; }

 private:
  std::vector<uint64_t> words_;
  std::unordered_set<int64_t> sparse_;
  int64_t count_ = 0;
};

struct AppStateBuilder::StageState {
  StageAttempt data;
  bool live = true;
  std::vector<int32_t> job_ids;  // the History Server's stage.jobs
  IndexSet completed_indices;
  std::map<std::string, int32_t, std::less<>> active_tasks_per_executor;
  std::unique_ptr<std::array<QuantileSketch, kTaskMetricCount>> sketches;
  bool quantiles_finalized = false;
  bool quantiles_incomplete = false;  // values arrived after finalisation
  std::vector<std::string> excluded_executors;
};

struct AppStateBuilder::ExecutorState {
  Executor data;
  bool live = true;
  bool retained_dead = false;  // the History Server's deadExecutors
};

struct AppStateBuilder::JobState {
  Job data;
  // Distinct (stage id, index) pairs completed, per stage id (numCompletedIndices); freed
  // when the job ends.
  std::map<int32_t, IndexSet> completed_indices;
  std::set<int32_t> completed_stage_ids, skipped_stage_ids;
  bool ended = false;
  // The History Server writes a job at JobEnd and afterwards only when a late task end
  // finishes one of its stages; this is the job as last written.
  std::optional<Job> written;
};

}  // namespace sm::eventlog
