// AppStateBuilder: task start and end, failure grouping, slowest tasks.
#include <algorithm>
#include <cctype>

#include "eventlog/app_state_internal.h"

namespace sm::eventlog {
namespace {

// First line of a message, without trailing whitespace.
std::string_view first_line(std::string_view s) {
  while (!s.empty() && (s.front() == '\n' || s.front() == '\r' || s.front() == ' ')) s.remove_prefix(1);
  s = s.substr(0, s.find('\n'));
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// Groups messages that differ only in numbers, ids and hosts: digits become '#', and the
// key is cut to a fixed length.
std::string normalize_for_key(std::string_view s) {
  constexpr size_t kMaxKey = 160;
  std::string out;
  bool in_digits = false;
  for (char c : s) {
    if (out.size() >= kMaxKey) break;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (!in_digits) out.push_back('#');
      in_digits = true;
      continue;
    }
    in_digits = false;
    out.push_back(c);
  }
  return out;
}

std::string bounded(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "... [truncated]";
}

template <typename T>
void add_distinct_bounded(std::vector<T>& v, const T& x, size_t max) {
  if (v.size() >= max) return;
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::optional<int64_t> parse_exit_code(std::string_view text) {
  // Spark on Kubernetes: "exited with exit code 137(SIGKILL, possible container OOM)";
  // standalone/YARN: "Command exited with code 137", "Exit status: 143", "exit code: 137",
  // "exitCode: 143"; executor: "Executor self-exiting due to : ... exit code 56".
  static const std::string_view kMarkers[] = {"exit code ", "exit code: ", "exited with code ",
                                               "Exit status: ", "exit status: ", "exitCode: ",
                                               "exitCode=", "Exit code: ", "exit status "};
  for (std::string_view m : kMarkers) {
    size_t pos = text.find(m);
    while (pos != std::string_view::npos) {
      size_t i = pos + m.size();
      bool neg = i < text.size() && text[i] == '-';
      if (neg) ++i;
      int64_t v = 0;
      size_t digits = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 6) {
        v = v * 10 + (text[i] - '0');
        ++i;
        ++digits;
      }
      if (digits > 0) return neg ? -v : v;
      pos = text.find(m, pos + 1);
    }
  }
  return std::nullopt;
}

std::string task_end_error_string(const TaskEndReasonView& r) {
  const std::string_view reason = r.reason;
  if (reason == "ExceptionFailure") {
    if (!r.full_stack_trace.empty()) return std::string(r.full_stack_trace);
    std::string s = std::string(r.class_name) + ": " + std::string(r.description);
    for (const auto& f : r.frames)
      s += "\n\tat " + std::string(f.declaring_class) + "." + std::string(f.method) + "(" +
           std::string(f.file) + ":" + std::to_string(f.line) + ")";
    return s;
  }
  if (reason == "ExecutorLostFailure") {
    std::string s = "ExecutorLostFailure (executor " + std::string(r.executor_id) + " exited ";
    s += r.exit_caused_by_app.value_or(true) ? "caused by one of the running tasks)" : "unrelated to the running tasks)";
    s += " Reason: " + std::string(r.loss_reason);
    return s;
  }
  if (reason == "FetchFailed") {
    std::string bm = r.bm_executor_id.empty() && r.bm_host.empty()
                         ? std::string("null")
                         : "BlockManagerId(" + std::string(r.bm_executor_id) + ", " + std::string(r.bm_host) +
                               ", " + std::to_string(r.bm_port) + ", None)";
    return "FetchFailed(" + bm + ", shuffleId=" + std::to_string(r.shuffle_id) + ", mapIndex=" +
           std::to_string(r.map_index) + ", mapId=" + std::to_string(r.map_id) + ", reduceId=" +
           std::to_string(r.reduce_id) + ", message=\n" + std::string(r.message) + "\n)";
  }
  if (reason == "TaskKilled") return "TaskKilled (" + std::string(r.kill_reason) + ")";
  if (reason == "TaskResultLost") return "TaskResultLost (result lost from block manager)";
  if (reason == "Resubmitted") return "Resubmitted (resubmitted due to lost executor)";
  if (reason == "TaskCommitDenied")
    return "TaskCommitDenied (Driver denied task commit) for job: " + std::to_string(r.job_id) +
           ", partition: " + std::to_string(r.partition_id) + ", attemptNumber: " + std::to_string(r.attempt_number);
  return std::string(reason);
}

void AppStateBuilder::on_task_start(const TaskStartEvent& e) {
  ++model_.total_tasks_started;
  observe_time(e.info.launch_time);
  if (live_tasks_.size() < options_.max_live_tasks) {
    live_tasks_[e.info.task_id] = LiveTask{e.stage_id, e.stage_attempt_id};
  } else if (live_tasks_.size() == options_.max_live_tasks) {
    add_warning({model_.app.source_path, 0, "too_many_running_tasks",
                 "more than " + std::to_string(options_.max_live_tasks) +
                     " tasks started without ending; later ones are not matched"});
  }
  if (StageState* s = live_stage(e.stage_id, e.stage_attempt_id)) {
    auto& d = s->data;
    d.active_tasks += 1;
    if (!d.first_task_launched_time || e.info.launch_time < *d.first_task_launched_time)
      d.first_task_launched_time = e.info.launch_time;
    if (e.info.speculative) d.speculative_tasks += 1;
    auto it = s->active_tasks_per_executor.find(e.info.executor_id);
    if (it == s->active_tasks_per_executor.end())
      it = s->active_tasks_per_executor.emplace(std::string(e.info.executor_id), 0).first;
    it->second += 1;
    for (int32_t jid : s->job_ids)
      if (JobState* js = job(jid)) js->data.active_tasks += 1;
  }
  if (ExecutorState* ex = live_executor(e.info.executor_id)) {
    ex->data.active_tasks += 1;
    ex->data.total_tasks += 1;
  }
}

static std::array<int64_t, kTaskMetricCount> task_metric_values(const TaskEndEvent& e, int64_t duration) {
  const TaskMetricsView& m = e.metrics;
  std::array<int64_t, kTaskMetricCount> v{};
  auto set = [&](TaskMetric k, int64_t x) { v[static_cast<size_t>(k)] = x; };
  // AppStatusUtils.gettingResultTime / schedulerDelay
  int64_t fetch_start = e.info.getting_result_time > 0 ? e.info.getting_result_time : -1;
  int64_t getting_result = fetch_start > 0 ? (duration > 0 ? e.info.launch_time + duration - fetch_start : 0) : 0;
  int64_t scheduler_delay = std::max<int64_t>(0, duration - m.executor_run_time - m.executor_deserialize_time -
                                                      m.result_serialization_time - getting_result);
  set(TaskMetric::duration, duration);
  set(TaskMetric::executor_deserialize_time, m.executor_deserialize_time);
  set(TaskMetric::executor_deserialize_cpu_time, m.executor_deserialize_cpu_time);
  set(TaskMetric::executor_run_time, m.executor_run_time);
  set(TaskMetric::executor_cpu_time, m.executor_cpu_time);
  set(TaskMetric::result_size, m.result_size);
  set(TaskMetric::jvm_gc_time, m.jvm_gc_time);
  set(TaskMetric::result_serialization_time, m.result_serialization_time);
  set(TaskMetric::getting_result_time, getting_result);
  set(TaskMetric::scheduler_delay, scheduler_delay);
  set(TaskMetric::peak_execution_memory, m.peak_execution_memory);
  set(TaskMetric::memory_bytes_spilled, m.memory_bytes_spilled);
  set(TaskMetric::disk_bytes_spilled, m.disk_bytes_spilled);
  set(TaskMetric::input_bytes, m.input_bytes_read);
  set(TaskMetric::input_records, m.input_records_read);
  set(TaskMetric::output_bytes, m.output_bytes_written);
  set(TaskMetric::output_records, m.output_records_written);
  set(TaskMetric::shuffle_read_bytes, m.shuffle_local_bytes_read + m.shuffle_remote_bytes_read);
  set(TaskMetric::shuffle_read_records, m.shuffle_records_read);
  set(TaskMetric::shuffle_remote_blocks_fetched, m.shuffle_remote_blocks_fetched);
  set(TaskMetric::shuffle_local_blocks_fetched, m.shuffle_local_blocks_fetched);
  set(TaskMetric::shuffle_fetch_wait_time, m.shuffle_fetch_wait_time);
  set(TaskMetric::shuffle_remote_bytes_read, m.shuffle_remote_bytes_read);
  set(TaskMetric::shuffle_remote_bytes_read_to_disk, m.shuffle_remote_bytes_read_to_disk);
  set(TaskMetric::shuffle_total_blocks_fetched, m.shuffle_local_blocks_fetched + m.shuffle_remote_blocks_fetched);
  set(TaskMetric::shuffle_write_bytes, m.shuffle_bytes_written);
  set(TaskMetric::shuffle_write_records, m.shuffle_records_written);
  set(TaskMetric::shuffle_write_time, m.shuffle_write_time);
  return v;
}

// Spark reads a task end without "Task Executor Metrics" as all-zero metrics, which still
// marks the executor's and stage's peaks as recorded (the History Server then shows zeros).
static const ExecutorMetricPeaks& zero_peaks() {
  static const ExecutorMetricPeaks z = [] {
    ExecutorMetricPeaks p;
    constexpr size_t kClassicMetricCount = 21;  // JVMHeapMemory .. TotalGCTime
    for (size_t i = 0; i < kClassicMetricCount; ++i) p.present[i] = true;
    return p;
  }();
  return z;
}

void AppStateBuilder::on_task_end(const TaskEndEvent& e) {
  ++model_.total_tasks_ended;
  const ExecutorMetricPeaks& task_peaks = e.task_executor_metrics.any() ? e.task_executor_metrics : zero_peaks();
  const auto& info = e.info;
  int64_t duration = info.finish_time > 0 ? info.finish_time - info.launch_time : 0;
  if (info.finish_time > 0) observe_time(info.finish_time);
  const std::string_view reason = e.reason.reason;
  const bool success = reason == "Success";
  int completed = 0, failed = 0, killed = 0;
  if (success) completed = 1;
  else if (reason == "TaskKilled" || reason == "TaskCommitDenied") killed = 1;
  else failed = 1;

  // The task's own record (History Server TaskDataWrapper): only for tasks whose start we saw.
  bool had_live_task = false;
  if (auto lt = live_tasks_.find(info.task_id); lt != live_tasks_.end()) {
    had_live_task = true;
    LiveTask t = lt->second;
    live_tasks_.erase(lt);
    // The History Server's taskSummary (AppStatusStore.taskSummary, Spark 3.x/4.x) scans one
    // KVStore index per metric over ALL task records of the attempt with a value >= 0; the rank
    // base is the number of successful tasks with metrics (its executorRunTime index). A task
    // without metrics (executor lost, fetch failed) still has its duration in the duration index.
    if (info.finish_time != 0) {
      auto st = stages_.find({t.stage_id, t.stage_attempt_id});
      if (st != stages_.end()) {
        StageState& s = *st->second;
        if (s.quantiles_finalized) s.quantiles_incomplete = true;
        if (!s.sketches) {
          s.sketches = std::make_unique<std::array<QuantileSketch, kTaskMetricCount>>();
          for (auto& sk : *s.sketches) sk = QuantileSketch(options_.exact_quantile_tasks);
        }
        const bool successful = !info.failed && !info.killed;
        if (e.has_metrics && successful) {
          auto values = task_metric_values(e, duration);
          for (size_t i = 0; i < kTaskMetricCount; ++i)
            if (values[i] >= 0) (*s.sketches)[i].add(values[i]);
        } else if (e.has_metrics) {
          // SPARK-26260: a failed or killed task's metrics are stored negated, so only the
          // values computed from its task info (duration, scheduler delay, getting-result
          // time) reach the summary.
          auto values = task_metric_values(e, duration);
          for (TaskMetric k : {TaskMetric::duration, TaskMetric::scheduler_delay, TaskMetric::getting_result_time}) {
            const size_t i = static_cast<size_t>(k);
            if (values[i] >= 0) (*s.sketches)[i].add(values[i]);
          }
        } else if (duration >= 0) {
          (*s.sketches)[static_cast<size_t>(TaskMetric::duration)].add(duration);
        }
      }
    }
  }
  const bool metrics_delta = had_live_task && e.has_metrics;

  if (StageState* s = live_stage(e.stage_id, e.stage_attempt_id)) {
    auto& d = s->data;
    if (metrics_delta) {
      const auto& m = e.metrics;
      auto& t = d.totals;
      t.executor_deserialize_time += m.executor_deserialize_time;
      t.executor_deserialize_cpu_time += m.executor_deserialize_cpu_time;
      t.executor_run_time += m.executor_run_time;
      t.executor_cpu_time += m.executor_cpu_time;
      t.result_size += m.result_size;
      t.jvm_gc_time += m.jvm_gc_time;
      t.result_serialization_time += m.result_serialization_time;
      t.memory_bytes_spilled += m.memory_bytes_spilled;
      t.disk_bytes_spilled += m.disk_bytes_spilled;
      t.peak_execution_memory += m.peak_execution_memory;
      t.input_bytes += m.input_bytes_read;
      t.input_records += m.input_records_read;
      t.output_bytes += m.output_bytes_written;
      t.output_records += m.output_records_written;
      t.shuffle_remote_blocks_fetched += m.shuffle_remote_blocks_fetched;
      t.shuffle_local_blocks_fetched += m.shuffle_local_blocks_fetched;
      t.shuffle_fetch_wait_time += m.shuffle_fetch_wait_time;
      t.shuffle_remote_bytes_read += m.shuffle_remote_bytes_read;
      t.shuffle_remote_bytes_read_to_disk += m.shuffle_remote_bytes_read_to_disk;
      t.shuffle_local_bytes_read += m.shuffle_local_bytes_read;
      t.shuffle_read_records += m.shuffle_records_read;
      t.shuffle_write_bytes += m.shuffle_bytes_written;
      t.shuffle_write_time += m.shuffle_write_time;
      t.shuffle_write_records += m.shuffle_records_written;
      t.peak_execution_memory_max = std::max(t.peak_execution_memory_max, m.peak_execution_memory);
    }
    d.active_tasks -= 1;
    d.completed_tasks += completed;
    if (completed) d.completed_indices += s->completed_indices.add(info.index, d.num_tasks) ? 1 : 0;
    d.failed_tasks += failed;
    d.killed_tasks += killed;
    std::string killed_key;
    if (killed) {
      killed_key = reason == "TaskKilled" ? std::string(e.reason.kill_reason) : task_end_error_string(e.reason);
      d.killed_summary[killed_key] += 1;
    }
    if (auto it = s->active_tasks_per_executor.find(info.executor_id); it != s->active_tasks_per_executor.end())
      it->second -= 1;
    d.peak_executor_metrics.merge(task_peaks);
    const bool remove_stage = d.active_tasks == 0 &&
                              (d.status == StageStatus::complete || d.status == StageStatus::failed);
    for (int32_t jid : s->job_ids) {
      JobState* js = job(jid);
      if (!js) continue;
      Job& j = js->data;
      j.active_tasks -= 1;
      j.completed_tasks += completed;
      if (completed) {
        auto& idx = js->completed_indices[e.stage_id];
        if (idx.add(info.index, d.num_tasks)) j.completed_indices += 1;
      }
      j.failed_tasks += failed;
      j.killed_tasks += killed;
      if (killed) j.killed_summary[killed_key] += 1;
      if (remove_stage && js->ended) js->written = j;
    }
    if (info.finish_time > 0) record_sample_task(*s, e, duration);
    if (remove_stage) finalize_stage(*s);
  }

  if (ExecutorState* ex = live_executor(info.executor_id)) {
    Executor& x = ex->data;
    x.active_tasks -= 1;
    x.completed_tasks += completed;
    x.failed_tasks += failed;
    x.total_duration += duration;
    x.peak_metrics.merge(task_peaks);
    if (reason != "Resubmitted" && e.has_metrics) {
      const auto& m = e.metrics;
      x.total_gc_time += m.jvm_gc_time;
      x.total_input_bytes += m.input_bytes_read;
      x.total_shuffle_read += m.shuffle_local_bytes_read + m.shuffle_remote_bytes_read;
      x.total_shuffle_write += m.shuffle_bytes_written;
    }
  }
  if (!success) record_failure(e);
}

void AppStateBuilder::record_sample_task(StageState& s, const TaskEndEvent& e, int64_t duration) {
  auto& v = s.data.slowest_tasks;
  if (v.size() >= options_.slowest_tasks_per_stage && duration <= v.back().duration) return;
  TaskBrief b;
  b.task_id = e.info.task_id;
  b.index = e.info.index;
  b.partition_id = e.info.partition_id;
  b.attempt = e.info.attempt;
  b.executor_id = std::string(e.info.executor_id);
  b.host = std::string(e.info.host);
  b.launch_time = e.info.launch_time;
  b.duration = duration;
  if (e.has_metrics) {
    const auto& m = e.metrics;
    b.executor_run_time = m.executor_run_time;
    b.jvm_gc_time = m.jvm_gc_time;
    b.shuffle_read_bytes = m.shuffle_local_bytes_read + m.shuffle_remote_bytes_read;
    b.shuffle_read_records = m.shuffle_records_read;
    b.input_bytes = m.input_bytes_read;
    b.memory_bytes_spilled = m.memory_bytes_spilled;
    b.disk_bytes_spilled = m.disk_bytes_spilled;
    b.peak_execution_memory = m.peak_execution_memory;
  }
  auto pos = std::upper_bound(v.begin(), v.end(), duration,
                              [](int64_t d, const TaskBrief& t) { return d > t.duration; });
  v.insert(pos, std::move(b));
  if (v.size() > options_.slowest_tasks_per_stage) v.pop_back();
}

void AppStateBuilder::record_failure(const TaskEndEvent& e) {
  const auto& r = e.reason;
  std::string detail;
  std::optional<int64_t> exit_code;
  if (r.reason == "ExceptionFailure") {
    detail = std::string(r.class_name) + "|" + normalize_for_key(first_line(r.description));
  } else if (r.reason == "ExecutorLostFailure") {
    exit_code = parse_exit_code(r.loss_reason);
    detail = (exit_code ? "exit " + std::to_string(*exit_code) : std::string("no exit code")) + "|" +
             normalize_for_key(first_line(r.loss_reason));
  } else if (r.reason == "FetchFailed") {
    std::string_view msg = first_line(r.message);
    detail = normalize_for_key(msg.substr(0, msg.find(':')));
  } else if (r.reason == "TaskKilled") {
    detail = normalize_for_key(first_line(r.kill_reason));
  }
  std::string key = std::string(r.reason) + "|" + detail;
  auto it = failure_index_.find(key);
  if (it == failure_index_.end()) {
    if (failure_index_.size() >= options_.max_failure_groups) {
      key = std::string(r.reason) + "|(more distinct failures than tracked)";
      it = failure_index_.find(key);
    }
  }
  if (it == failure_index_.end()) {
    FailedTaskGroup g;
    g.reason = std::string(r.reason);
    g.detail_key = detail;
    if (r.reason == "ExceptionFailure") {
      g.exception_class = std::string(r.class_name);
      g.description = bounded(first_line(r.description), options_.max_message_bytes);
      for (const auto& f : r.frames)
        g.top_frames.push_back(std::string(f.declaring_class) + "." + std::string(f.method) + "(" +
                               std::string(f.file) + ":" + std::to_string(f.line) + ")");
    } else if (r.reason == "ExecutorLostFailure") {
      g.description = bounded(first_line(r.loss_reason), options_.max_message_bytes);
      g.exit_code = exit_code;
      g.exit_caused_by_app = r.exit_caused_by_app;
    } else if (r.reason == "FetchFailed") {
      g.description = bounded(first_line(r.message), options_.max_message_bytes);
      g.shuffle_id = r.shuffle_id;
      if (!r.bm_executor_id.empty()) g.block_manager_executor = std::string(r.bm_executor_id);
    } else if (r.reason == "TaskKilled") {
      g.description = bounded(r.kill_reason, options_.max_message_bytes);
    } else {
      g.description = task_end_error_string(r);
    }
    g.first_time = e.info.finish_time;
    model_.failed_task_groups.push_back(std::move(g));
    it = failure_index_.emplace(key, model_.failed_task_groups.size() - 1).first;
  }
  FailedTaskGroup& g = model_.failed_task_groups[it->second];
  g.count += 1;
  if (e.info.finish_time > 0) {
    if (g.first_time == 0 || e.info.finish_time < g.first_time) g.first_time = e.info.finish_time;
    g.last_time = std::max(g.last_time, e.info.finish_time);
  }
  add_distinct_bounded(g.stage_ids, e.stage_id, options_.max_ids_per_failure_group);
  add_distinct_bounded(g.executor_ids, std::string(e.info.executor_id), options_.max_ids_per_failure_group);
  if (g.samples.size() < options_.samples_per_failure_group) {
    FailedTaskSample s;
    s.task_id = e.info.task_id;
    s.stage_id = e.stage_id;
    s.stage_attempt_id = e.stage_attempt_id;
    s.index = e.info.index;
    s.attempt = e.info.attempt;
    s.executor_id = std::string(e.info.executor_id);
    s.host = std::string(e.info.host);
    s.time = e.info.finish_time;
    s.message = bounded(task_end_error_string(r), options_.max_message_bytes);
    g.samples.push_back(std::move(s));
  }
}

}  // namespace sm::eventlog
