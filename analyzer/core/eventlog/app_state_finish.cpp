// AppStateBuilder: stage finalisation (quantiles) and building the final AppModel.
#include <limits>
#include <algorithm>

#include "eventlog/app_state_internal.h"

namespace sm::eventlog {

const std::array<const char*, kTaskMetricCount> kTaskMetricNames = {
    "duration", "executor_deserialize_time", "executor_deserialize_cpu_time", "executor_run_time",
    "executor_cpu_time", "result_size", "jvm_gc_time", "result_serialization_time",
    "getting_result_time", "scheduler_delay", "peak_execution_memory", "memory_bytes_spilled",
    "disk_bytes_spilled", "input_bytes", "input_records", "output_bytes", "output_records",
    "shuffle_read_bytes", "shuffle_read_records", "shuffle_remote_blocks_fetched",
    "shuffle_local_blocks_fetched", "shuffle_fetch_wait_time", "shuffle_remote_bytes_read",
    "shuffle_remote_bytes_read_to_disk", "shuffle_total_blocks_fetched", "shuffle_write_bytes",
    "shuffle_write_records", "shuffle_write_time"};

const std::array<const char*, kTaskMetricCount> kTaskMetricHsNames = {
    "duration", "executorDeserializeTime", "executorDeserializeCpuTime", "executorRunTime",
    "executorCpuTime", "resultSize", "jvmGcTime", "resultSerializationTime",
    "gettingResultTime", "schedulerDelay", "peakExecutionMemory", "memoryBytesSpilled",
    "diskBytesSpilled", "inputMetrics.bytesRead", "inputMetrics.recordsRead",
    "outputMetrics.bytesWritten", "outputMetrics.recordsWritten", "shuffleReadMetrics.readBytes",
    "shuffleReadMetrics.readRecords", "shuffleReadMetrics.remoteBlocksFetched",
    "shuffleReadMetrics.localBlocksFetched", "shuffleReadMetrics.fetchWaitTime",
    "shuffleReadMetrics.remoteBytesRead", "shuffleReadMetrics.remoteBytesReadToDisk",
    "shuffleReadMetrics.totalBlocksFetched", "shuffleWriteMetrics.writeBytes",
    "shuffleWriteMetrics.writeRecords", "shuffleWriteMetrics.writeTime"};

bool ExecutorMetricPeaks::merge(const ExecutorMetricPeaks& other) {
  bool changed = false;
  for (size_t i = 0; i < kExecutorMetricCount; ++i) {
    if (!other.present[i]) continue;
    if (!present[i] || other.value[i] > value[i]) {
      value[i] = other.value[i];
      present[i] = true;
      changed = true;
    }
  }
  return changed;
}

const char* to_string(StageStatus s) {
  switch (s) {
    case StageStatus::pending: return "PENDING";
    case StageStatus::active: return "ACTIVE";
    case StageStatus::complete: return "COMPLETE";
    case StageStatus::failed: return "FAILED";
    case StageStatus::skipped: return "SKIPPED";
  }
  return "UNKNOWN";
}

const char* to_string(JobStatus s) {
  switch (s) {
    case JobStatus::running: return "RUNNING";
    case JobStatus::succeeded: return "SUCCEEDED";
    case JobStatus::failed: return "FAILED";
    case JobStatus::unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

static void compute_quantiles(StageAttempt& d, const std::array<QuantileSketch, kTaskMetricCount>& sk,
                              const std::vector<double>& qs) {
  Quantiles q;
  q.q = qs;
  std::sort(q.q.begin(), q.q.end());
  // Rank base: tasks that reported metrics (the History Server counts its executorRunTime index).
  const auto& base = sk[static_cast<size_t>(TaskMetric::executor_run_time)];
  uint64_t n = base.count();
  q.task_count = static_cast<int64_t>(n);
  q.exact = true;
  for (const auto& one : sk) q.exact = q.exact && one.exact();
  std::vector<uint64_t> ranks;
  for (double x : q.q) ranks.push_back(QuantileSketch::hs_rank(x, n));
  for (size_t i = 0; i < kTaskMetricCount; ++i) {
    // A metric with fewer values than a rank has no value there (the History Server's NaN).
    std::vector<uint64_t> ok;
    for (uint64_t r : ranks) if (r < sk[i].count()) ok.push_back(r);
    std::vector<double> vals = sk[i].at_ranks(ok);
    vals.resize(ranks.size(), std::numeric_limits<double>::quiet_NaN());
    q.value[i] = std::move(vals);
  }
  d.quantiles = std::move(q);
}

void AppStateBuilder::finalize_stage(StageState& s) {
  s.live = false;
  if (s.sketches && s.sketches->at(static_cast<size_t>(TaskMetric::executor_run_time)).count() > 0) {
    compute_quantiles(s.data, *s.sketches, options_.quantiles);
    if (s.quantiles_incomplete) s.data.quantiles->exact = false;
  }
  s.sketches.reset();
  s.quantiles_finalized = true;
  s.active_tasks_per_executor.clear();
}

AppModel AppStateBuilder::finish() {
  // Stages still live at the end (in-progress or cut logs) get their quantiles now.
  for (auto& [key, s] : stages_) {
    if (s->sketches && s->sketches->at(static_cast<size_t>(TaskMetric::executor_run_time)).count() > 0) {
      compute_quantiles(s->data, *s->sketches, options_.quantiles);
      if (s->quantiles_incomplete) s->data.quantiles->exact = false;
    }
    s->sketches.reset();
    model_.stages.push_back(std::move(s->data));
  }
  std::sort(model_.stages.begin(), model_.stages.end(), [](const StageAttempt& a, const StageAttempt& b) {
    return a.stage_id != b.stage_id ? a.stage_id < b.stage_id : a.attempt_id < b.attempt_id;
  });
  for (auto& [id, js] : jobs_) {
    // Ended jobs appear as last written (see JobState::written); live ones as they are.
    Job j = js->ended && js->written ? *js->written : js->data;
    model_.jobs.push_back(std::move(j));
  }
  // Driver first, then in the order executors appeared.
  for (const auto& id : executor_order_) {
    auto it = executors_.find(id);
    if (it == executors_.end()) continue;
    model_.executors.push_back(std::move(it->second->data));
  }
  std::stable_partition(model_.executors.begin(), model_.executors.end(),
                        [](const Executor& e) { return e.id == "driver"; });
  // The History Server reports the driver's total duration as the application's run time and
  // its GC time as the driver JVM's TotalGCTime (AppStatusStore.replaceExec); so do we.
  for (auto& x : model_.executors) {
    if (x.id != "driver") continue;
    if (model_.app.start_time) {
      int64_t end = model_.app.end_time.value_or(model_.last_event_time);
      if (end >= *model_.app.start_time) x.total_duration = end - *model_.app.start_time;
    }
    constexpr size_t kTotalGcTime = 20;  // index of "TotalGCTime" in kExecutorMetricNames
    if (x.peak_metrics.any()) x.total_gc_time = x.peak_metrics.value[kTotalGcTime];
  }
  for (auto& [id, s] : sql_) model_.sql_executions.push_back(std::move(s));
  std::stable_sort(model_.failed_task_groups.begin(), model_.failed_task_groups.end(),
                   [](const FailedTaskGroup& a, const FailedTaskGroup& b) { return a.count > b.count; });
  for (auto& [name, c] : event_counts_) model_.event_counts.push_back(std::move(c));
  std::sort(model_.event_counts.begin(), model_.event_counts.end(),
            [](const EventCount& a, const EventCount& b) { return a.count > b.count; });
  AppModel out = std::move(model_);
  model_ = AppModel{};
  stages_.clear();
  shadows_.clear();
  jobs_.clear();
  executors_.clear();
  executor_order_.clear();
  live_tasks_.clear();
  failure_index_.clear();
  sql_.clear();
  event_counts_.clear();
  return out;
}

}  // namespace sm::eventlog
