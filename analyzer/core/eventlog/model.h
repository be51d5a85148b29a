#pragma once
// The application model the event-log engine builds: what the Spark History Server would show
// (jobs, stages, executors, task-summary quantiles), plus what a diagnosis needs that the History
// Server does not keep (failed task attempts grouped by reason with samples, exclusion events,
// slowest tasks, event counts, reader warnings). Memory is proportional to stages and executors,
// never to tasks or bytes.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sm::eventlog {

// Executor-level memory and GC metrics (org.apache.spark.metrics.ExecutorMetricType), in the
// order Spark writes them. Peaks are kept per executor and per stage attempt.
inline constexpr std::array<const char*, 23> kExecutorMetricNames = {
    "JVMHeapMemory",          "JVMOffHeapMemory",       "OnHeapExecutionMemory",
    "OffHeapExecutionMemory", "OnHeapStorageMemory",    "OffHeapStorageMemory",
    "OnHeapUnifiedMemory",    "OffHeapUnifiedMemory",   "DirectPoolMemory",
    "MappedPoolMemory",       "ProcessTreeJVMVMemory",  "ProcessTreeJVMRSSMemory",
    "ProcessTreePythonVMemory", "ProcessTreePythonRSSMemory", "ProcessTreeOtherVMemory",
    "ProcessTreeOtherRSSMemory", "MinorGCCount",        "MinorGCTime",
    "MajorGCCount",           "MajorGCTime",            "TotalGCTime",
    "ConcurrentGCCount",      "ConcurrentGCTime"};
inline constexpr size_t kExecutorMetricCount = kExecutorMetricNames.size();

struct ExecutorMetricPeaks {
  std::array<int64_t, kExecutorMetricCount> value{};
  std::array<bool, kExecutorMetricCount> present{};
  bool any() const {
    for (bool p : present)
      if (p) return true;
    return false;
  }
  // Raises each present metric to max(old, new). Returns true if anything changed.
  bool merge(const ExecutorMetricPeaks& other);
};

// The per-task metrics the History Server summarises (v1.TaskMetricDistributions), plus task
// duration. Indexes into TaskSample::values and StageAttempt::quantiles.
enum class TaskMetric : uint8_t {
  duration,
  executor_deserialize_time,
  executor_deserialize_cpu_time,
  executor_run_time,
  executor_cpu_time,
  result_size,
  jvm_gc_time,
  result_serialization_time,
  getting_result_time,
  scheduler_delay,
  peak_execution_memory,
  memory_bytes_spilled,
  disk_bytes_spilled,
  input_bytes,
  input_records,
  output_bytes,
  output_records,
  shuffle_read_bytes,  // local + remote, as the History Server's readBytes
  shuffle_read_records,
  shuffle_remote_blocks_fetched,
  shuffle_local_blocks_fetched,
  shuffle_fetch_wait_time,
  shuffle_remote_bytes_read,
  shuffle_remote_bytes_read_to_disk,
  shuffle_total_blocks_fetched,
  shuffle_write_bytes,
  shuffle_write_records,
  shuffle_write_time,
  count_  // number of metrics
};
inline constexpr size_t kTaskMetricCount = static_cast<size_t>(TaskMetric::count_);
// snake_case names used in the index and in JSON output.
extern const std::array<const char*, kTaskMetricCount> kTaskMetricNames;
// The History Server's camelCase names (taskSummary JSON), for agreement tests.
extern const std::array<const char*, kTaskMetricCount> kTaskMetricHsNames;

// Sums over the tasks of a stage attempt (the History Server's StageData metric fields, which
// add every task end whose start was seen, failed ones included), plus the largest single-task
// peak execution memory (ours, for diagnosis).
struct StageTotals {
  int64_t executor_deserialize_time = 0;
  int64_t executor_deserialize_cpu_time = 0;
  int64_t executor_run_time = 0;
  int64_t executor_cpu_time = 0;
  int64_t result_size = 0;
  int64_t jvm_gc_time = 0;
  int64_t result_serialization_time = 0;
  int64_t memory_bytes_spilled = 0;
  int64_t disk_bytes_spilled = 0;
  int64_t peak_execution_memory = 0;  // sum, as the History Server reports it
  int64_t input_bytes = 0;
  int64_t input_records = 0;
  int64_t output_bytes = 0;
  int64_t output_records = 0;
  int64_t shuffle_remote_blocks_fetched = 0;
  int64_t shuffle_local_blocks_fetched = 0;
  int64_t shuffle_fetch_wait_time = 0;
  int64_t shuffle_remote_bytes_read = 0;
  int64_t shuffle_remote_bytes_read_to_disk = 0;
  int64_t shuffle_local_bytes_read = 0;
  int64_t shuffle_read_records = 0;
  int64_t shuffle_write_bytes = 0;
  int64_t shuffle_write_time = 0;  // nanoseconds
  int64_t shuffle_write_records = 0;
  int64_t peak_execution_memory_max = 0;  // max over tasks
  int64_t shuffle_read_bytes() const { return shuffle_local_bytes_read + shuffle_remote_bytes_read; }
};

enum class StageStatus { pending, active, complete, failed, skipped };
const char* to_string(StageStatus s);  // "PENDING", "ACTIVE", ... as the History Server

// One of the slowest tasks of a stage attempt (kept for skew and straggler diagnosis).
struct TaskBrief {
  int64_t task_id = -1;
  int64_t index = -1;
  int64_t partition_id = -1;  // Spark 3.3+ "Partition ID"; -1 when absent
  int32_t attempt = 0;
  std::string executor_id;
  std::string host;
  int64_t launch_time = 0;
  int64_t duration = 0;
  int64_t executor_run_time = 0;
  int64_t jvm_gc_time = 0;
  int64_t shuffle_read_bytes = 0;
  int64_t shuffle_read_records = 0;
  int64_t input_bytes = 0;
  int64_t memory_bytes_spilled = 0;
  int64_t disk_bytes_spilled = 0;
  int64_t peak_execution_memory = 0;
};

struct Quantiles {
  std::vector<double> q;                                   // requested quantiles
  std::array<std::vector<double>, kTaskMetricCount> value;  // value[metric][i] at q[i]
  int64_t task_count = 0;  // successful tasks with metrics the quantiles cover
  bool exact = true;       // false once the sketch compacted (stage with very many tasks)
};

struct StageAttempt {
  int32_t stage_id = 0;
  int32_t attempt_id = 0;
  std::string name;
  std::string description;  // spark.job.description of the submitting job
  std::string details;      // call site stack (first lines)
  std::string scheduling_pool = "default";
  StageStatus status = StageStatus::pending;
  int32_t num_tasks = 0;
  int32_t active_tasks = 0;
  int32_t completed_tasks = 0;
  int32_t failed_tasks = 0;
  int32_t killed_tasks = 0;
  int32_t completed_indices = 0;
  std::optional<int64_t> submission_time;
  std::optional<int64_t> first_task_launched_time;
  std::optional<int64_t> completion_time;
  std::optional<std::string> failure_reason;
  std::vector<int32_t> parent_ids;
  std::vector<int32_t> job_ids;
  int32_t resource_profile_id = 0;
  StageTotals totals;
  std::map<std::string, int32_t> killed_summary;
  ExecutorMetricPeaks peak_executor_metrics;
  std::optional<Quantiles> quantiles;
  std::vector<TaskBrief> slowest_tasks;  // by duration, descending, bounded
  int32_t speculative_tasks = 0;
};

enum class JobStatus { running, succeeded, failed, unknown };
const char* to_string(JobStatus s);  // "RUNNING", "SUCCEEDED", "FAILED", "UNKNOWN"

struct Job {
  int32_t job_id = 0;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> job_group;
  std::vector<std::string> job_tags;
  std::optional<int64_t> sql_execution_id;
  std::optional<int64_t> submission_time;
  std::optional<int64_t> completion_time;
  std::vector<int32_t> stage_ids;
  JobStatus status = JobStatus::running;
  std::optional<std::string> failure_message;  // Job Result.Exception.Message
  int32_t num_tasks = 0;
  int32_t active_tasks = 0;
  int32_t completed_tasks = 0;
  int32_t skipped_tasks = 0;
  int32_t failed_tasks = 0;
  int32_t killed_tasks = 0;
  int32_t completed_indices = 0;
  int32_t active_stages = 0;
  int32_t completed_stages = 0;
  int32_t skipped_stages = 0;
  int32_t failed_stages = 0;
  std::map<std::string, int32_t> killed_summary;
};

struct Executor {
  std::string id;
  std::string host;
  std::string host_port;
  bool is_active = true;
  int32_t total_cores = 0;
  int32_t max_tasks = 0;
  int64_t max_memory = 0;
  std::optional<int64_t> max_on_heap_memory;
  std::optional<int64_t> max_off_heap_memory;
  int64_t add_time = 0;
  std::optional<int64_t> remove_time;
  std::optional<std::string> remove_reason;
  int32_t resource_profile_id = 0;
  int32_t total_tasks = 0;
  int32_t active_tasks = 0;
  int32_t completed_tasks = 0;
  int32_t failed_tasks = 0;
  int64_t total_duration = 0;
  int64_t total_gc_time = 0;
  int64_t total_input_bytes = 0;
  int64_t total_shuffle_read = 0;
  int64_t total_shuffle_write = 0;
  bool is_excluded = false;
  ExecutorMetricPeaks peak_metrics;
  std::map<std::string, std::string> log_urls;
};

// Why task attempts failed, grouped. The key is the end reason plus what distinguishes causes
// (exception class, exit code, kill reason), so 10,000 identical OOMs are one group.
struct FailedTaskSample {
  int64_t task_id = -1;
  int32_t stage_id = 0;
  int32_t stage_attempt_id = 0;
  int64_t index = -1;
  int32_t attempt = 0;
  std::string executor_id;
  std::string host;
  int64_t time = 0;            // finish time
  std::string message;         // the History Server's errorMessage form, bounded
};

struct FailedTaskGroup {
  std::string reason;          // ExceptionFailure, ExecutorLostFailure, FetchFailed, TaskKilled, ...
  std::string detail_key;      // class name / "exit 137" / kill reason / shuffle id
  std::string exception_class; // ExceptionFailure
  std::string description;     // first line of the exception message / loss reason
  std::vector<std::string> top_frames;  // "Class.method(File.java:12)"
  std::optional<int64_t> exit_code;     // parsed from an ExecutorLostFailure loss reason
  std::optional<bool> exit_caused_by_app;
  std::optional<int64_t> shuffle_id;    // FetchFailed
  std::optional<std::string> block_manager_executor;  // FetchFailed
  int64_t count = 0;
  int64_t first_time = 0;
  int64_t last_time = 0;
  std::vector<int32_t> stage_ids;       // distinct, bounded
  std::vector<std::string> executor_ids;  // distinct, bounded
  std::vector<FailedTaskSample> samples;  // first N attempts
};

struct SqlExecution {
  int64_t execution_id = 0;
  std::string description;
  std::optional<int64_t> root_execution_id;
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::optional<std::string> error_message;  // SQLExecutionEnd.errorMessage (Spark 3.4+)
  std::vector<int32_t> job_ids;
};

struct ExclusionEvent {
  int64_t time = 0;
  std::string kind;  // "executor_excluded", "node_excluded_for_stage", "executor_unexcluded", ...
  std::string executor_id;
  std::string host;
  std::optional<int32_t> stage_id;
  std::optional<int32_t> stage_attempt_id;
  std::optional<int32_t> task_failures;
};

struct ReaderWarning {
  std::string file;   // the part (or bundle entry) the warning is about
  uint64_t line = 0;  // 1-based line number in that file, 0 when not line-specific
  std::string kind;   // "truncated_line", "malformed_json", "not_an_event", "codec_mismatch",
                      // "truncated_stream", "oversized_line", "compacted", "in_progress", ...
  std::string message;
};

struct Application {
  std::string app_id;
  std::optional<std::string> attempt_id;
  std::string name;
  std::string user;
  std::string spark_version;
  std::string master;
  std::string deploy_mode;
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  bool completed = false;          // an ApplicationEnd event was seen
  std::optional<int64_t> exit_code;  // ApplicationEnd "ExitCode" (Spark 4.x)
  std::map<std::string, std::string> spark_properties;  // secret values redacted
  std::map<std::string, std::string> driver_log_urls;
  std::string java_version;
  std::string scala_version;
  // Where the events came from.
  std::string source_path;
  std::string codec;
  std::string layout;              // single, rolling, legacy, history_zip
  bool in_progress = false;        // .inprogress suffix or appstatus_*.inprogress
  bool compacted = false;          // a .compact file was read: task events were dropped
  uint64_t bytes_read = 0;         // decoded bytes
  uint64_t raw_bytes = 0;          // bytes on disk (compressed)
  uint64_t lines = 0;
};

struct EventCount {
  std::string event;
  int64_t count = 0;
  bool known = true;  // false for events this engine does not interpret (custom listeners)
};

struct AppModel {
  Application app;
  std::vector<Job> jobs;                 // by job id
  std::vector<StageAttempt> stages;      // by (stage id, attempt)
  std::vector<Executor> executors;       // driver first, then by add time
  std::vector<FailedTaskGroup> failed_task_groups;  // by count, descending
  std::vector<SqlExecution> sql_executions;
  std::vector<ExclusionEvent> exclusions;
  std::vector<EventCount> event_counts;
  std::vector<ReaderWarning> warnings;
  int64_t total_tasks_started = 0;
  int64_t total_tasks_ended = 0;
  int64_t last_event_time = 0;  // latest timestamp seen in any event
};

}  // namespace sm::eventlog
