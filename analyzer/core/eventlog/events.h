#pragma once
// Typed views of the Spark listener events the engine interprets (JsonProtocol field names in
// comments). The parser fills these from one JSON line; string_views point into the line or
// into the JSON parser's string buffer and are valid only until the handler returns.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "eventlog/model.h"

namespace sm::eventlog {

struct TaskInfoView {          // "Task Info"
  int64_t task_id = -1;        // "Task ID"
  int64_t index = -1;          // "Index"
  int32_t attempt = 0;         // "Attempt"
  int64_t partition_id = -1;   // "Partition ID" (3.3+)
  int64_t launch_time = 0;     // "Launch Time"
  std::string_view executor_id;  // "Executor ID"
  std::string_view host;       // "Host"
  std::string_view locality;   // "Locality"
  bool speculative = false;    // "Speculative"
  int64_t getting_result_time = 0;  // "Getting Result Time"
  int64_t finish_time = 0;     // "Finish Time"
  bool failed = false;         // "Failed"
  bool killed = false;         // "Killed"
};

struct TaskMetricsView {       // "Task Metrics"
  int64_t executor_deserialize_time = 0;
  int64_t executor_deserialize_cpu_time = 0;
  int64_t executor_run_time = 0;
  int64_t executor_cpu_time = 0;
  int64_t peak_execution_memory = 0;
  int64_t result_size = 0;
  int64_t jvm_gc_time = 0;
  int64_t result_serialization_time = 0;
  int64_t memory_bytes_spilled = 0;
  int64_t disk_bytes_spilled = 0;
  int64_t shuffle_remote_blocks_fetched = 0;
  int64_t shuffle_local_blocks_fetched = 0;
  int64_t shuffle_fetch_wait_time = 0;
  int64_t shuffle_remote_bytes_read = 0;
  int64_t shuffle_remote_bytes_read_to_disk = 0;
  int64_t shuffle_local_bytes_read = 0;
  int64_t shuffle_records_read = 0;
  int64_t shuffle_bytes_written = 0;
  int64_t shuffle_write_time = 0;
  int64_t shuffle_records_written = 0;
  int64_t input_bytes_read = 0;
  int64_t input_records_read = 0;
  int64_t output_bytes_written = 0;
  int64_t output_records_written = 0;
};

struct StackFrameView {
  std::string_view declaring_class, method, file;
  int64_t line = -1;
};

struct TaskEndReasonView {     // "Task End Reason"
  std::string_view reason;     // "Reason": Success, ExceptionFailure, ExecutorLostFailure, ...
  // ExceptionFailure
  std::string_view class_name;         // "Class Name"
  std::string_view description;        // "Description"
  std::string_view full_stack_trace;   // "Full Stack Trace"
  std::vector<StackFrameView> frames;  // "Stack Trace" (first few)
  // ExecutorLostFailure
  std::string_view executor_id;        // "Executor ID"
  std::optional<bool> exit_caused_by_app;  // "Exit Caused By App"
  std::string_view loss_reason;        // "Loss Reason"
  // TaskKilled
  std::string_view kill_reason;        // "Kill Reason"
  // FetchFailed
  std::string_view bm_executor_id, bm_host;  // "Block Manager Address"
  int64_t bm_port = -1;
  int64_t shuffle_id = -1, map_id = -1, map_index = -1, reduce_id = -1;
  std::string_view message;            // "Message"
  // TaskCommitDenied
  int64_t job_id = -1, partition_id = -1, attempt_number = -1;
};

struct TaskStartEvent {
  int32_t stage_id = 0, stage_attempt_id = 0;
  TaskInfoView info;
};

struct TaskEndEvent {
  int32_t stage_id = 0, stage_attempt_id = 0;
  std::string_view task_type;
  TaskEndReasonView reason;
  TaskInfoView info;
  bool has_metrics = false;
  TaskMetricsView metrics;
  ExecutorMetricPeaks task_executor_metrics;  // "Task Executor Metrics"
};

struct StageInfoView {         // "Stage Info"
  int32_t stage_id = 0;
  int32_t attempt_id = 0;      // "Stage Attempt ID"
  std::string_view name;
  int32_t num_tasks = 0;
  std::string_view details;
  std::optional<int64_t> submission_time;
  std::optional<int64_t> completion_time;
  std::optional<std::string_view> failure_reason;
  std::vector<int32_t> parent_ids;
  int32_t resource_profile_id = 0;
};

struct JobStartEvent {
  int32_t job_id = 0;
  std::optional<int64_t> time;  // "Submission Time"
  std::vector<StageInfoView> stage_infos;
  std::vector<int32_t> stage_ids;
  std::optional<std::string_view> description;  // Properties spark.job.description
  std::optional<std::string_view> job_group;    // spark.jobGroup.id
  std::optional<std::string_view> job_tags;     // spark.job.tags (comma separated)
  std::optional<int64_t> sql_execution_id;      // spark.sql.execution.id
};

struct JobEndEvent {
  int32_t job_id = 0;
  std::optional<int64_t> time;  // "Completion Time"
  bool succeeded = true;        // "Job Result"."Result" == "JobSucceeded"
  std::string_view failure_message;  // "Job Result"."Exception"."Message"
};

struct StageSubmittedEvent {
  StageInfoView info;
  std::optional<std::string_view> description;  // Properties spark.job.description
  std::optional<std::string_view> pool;         // spark.scheduler.pool
};

struct ExecutorAddedEvent {
  int64_t time = 0;
  std::string_view executor_id;
  std::string_view host;       // "Executor Info"."Host"
  int32_t total_cores = 0;     // "Total Cores"
  int32_t resource_profile_id = 0;
  std::vector<std::pair<std::string_view, std::string_view>> log_urls;
};

struct BlockManagerAddedEvent {
  int64_t time = 0;
  std::string_view executor_id, host;
  int64_t port = 0;
  int64_t max_mem = 0;
  std::optional<int64_t> max_on_heap, max_off_heap;
};

struct ResourceProfileAddedEvent {
  int32_t id = 0;
  std::optional<int64_t> executor_cores;  // "Executor Resource Requests"."cores"."Amount"
  std::optional<double> task_cpus;        // "Task Resource Requests"."cpus"."Amount"
};

}  // namespace sm::eventlog
