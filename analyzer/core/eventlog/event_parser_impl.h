#pragma once
// Private to event_parser*.cpp.
#include <array>

#include "eventlog/event_parser.h"
#include "eventlog/fast_task_parser.h"
#include "eventlog/json_access.h"

namespace sm::eventlog {

// Matches keys against a fixed list, trying the position after the previous match first:
// Spark writes fields in a fixed order, so this is one comparison per key on real logs.
template <size_t N>
class KeyCursor {
 public:
  explicit KeyCursor(const std::array<std::string_view, N>& names) : names_(names) {}
  int find(std::string_view key) {
    if (next_ < N && json::short_eq(names_[next_], key)) return static_cast<int>(next_++);
    for (size_t i = 0; i < N; ++i)
      if (json::short_eq(names_[i], key)) {
        next_ = i + 1;
        return static_cast<int>(i);
      }
    return -1;
  }

 private:
  const std::array<std::string_view, N>& names_;
  size_t next_ = 0;
};

using FieldStatus = bool;  // false: the document is malformed (message set in Impl::error)

struct EventParser::Impl {
  explicit Impl(AppStateBuilder& b) : builder(b), fast(b) {}

  AppStateBuilder& builder;
  FastTaskParser fast;  // TaskStart/TaskEnd(Success) without simdjson; declines anything else
  json::od::parser parser;
  std::string error;  // what went wrong in the current line

  // Scratch events reused across lines to avoid allocations.
  TaskStartEvent task_start;
  TaskEndEvent task_end;
  JobStartEvent job_start;
  StageSubmittedEvent stage_submitted;
  StageInfoView stage_info;
  ExecutorAddedEvent executor_added;
  std::vector<std::pair<std::string_view, std::string_view>> pairs;

  bool fail(std::string msg) {
    error = std::move(msg);
    return false;
  }

  LineResult dispatch(std::string_view event_name, json::od::object obj);

  // Handlers: iterate the remaining fields of the event object. Return false if malformed.
  bool on_task_start(json::od::object obj);
  bool on_task_end(json::od::object obj);
  bool on_job_start(json::od::object obj);
  bool on_job_end(json::od::object obj);
  bool on_stage_submitted(json::od::object obj);
  bool on_stage_completed(json::od::object obj);
  bool on_application_start(json::od::object obj);
  bool on_application_end(json::od::object obj);
  bool on_environment_update(json::od::object obj);
  bool on_log_start(json::od::object obj);
  bool on_executor_added(json::od::object obj);
  bool on_executor_removed(json::od::object obj);
  bool on_block_manager_added(json::od::object obj);
  bool on_stage_executor_metrics(json::od::object obj);
  bool on_executor_metrics_update(json::od::object obj);
  bool on_resource_profile_added(json::od::object obj);
  bool on_exclusion(std::string_view kind, json::od::object obj);
  bool on_sql_start(json::od::object obj);
  bool on_sql_end(json::od::object obj);

  // Shared pieces.
  bool parse_task_info(json::od::object obj, TaskInfoView& out);
  bool parse_task_metrics(json::od::object obj, TaskMetricsView& out);
  bool parse_end_reason(json::od::object obj, TaskEndReasonView& out);
  bool parse_stage_info(json::od::object obj, StageInfoView& out);
  bool parse_executor_metrics(json::od::object obj, ExecutorMetricPeaks& out);
  // Reads spark.job.description etc. from a "Properties" object.
  bool parse_properties(json::od::object obj, std::optional<std::string_view>* description,
                        std::optional<std::string_view>* job_group, std::optional<std::string_view>* job_tags,
                        std::optional<int64_t>* sql_execution_id, std::optional<std::string_view>* pool);
  bool parse_string_map(json::od::object obj, std::vector<std::pair<std::string_view, std::string_view>>& out);
};

// Names a field in error messages: "Task Info.Launch Time: expected a number".
std::string field_error(std::string_view where, std::string_view what);

}  // namespace sm::eventlog
