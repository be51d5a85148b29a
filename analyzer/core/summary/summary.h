#pragma once
// The event-log summary: what happened to an application, computed from its AppModel.
// Rendered as human text (terminal) or versioned JSON (schema sparkmedic.summary/v1).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eventlog/model.h"

namespace sm::summary {

inline constexpr const char* kSummarySchema = "sparkmedic.summary/v1";

enum class Outcome { succeeded, failed, completed_with_failures, running, incomplete };
const char* to_string(Outcome o);

struct LostExecutor {
  std::string executor_id, host, reason;
  std::optional<int64_t> remove_time, exit_code;
};

struct SlowStage {
  int32_t stage_id = 0, attempt_id = 0;
  std::string name, status;
  int64_t duration_ms = 0;
  int32_t num_tasks = 0, failed_tasks = 0;
  std::optional<double> task_median_ms, task_max_ms, skew_ratio;
};

struct AppSummary {
  const eventlog::AppModel* model = nullptr;  // the summarised application (not owned)
  Outcome outcome = Outcome::succeeded;
  std::string outcome_reason;
  std::optional<int64_t> duration_ms;
  int32_t jobs_succeeded = 0, jobs_failed = 0, jobs_running = 0;
  int32_t stages_complete = 0, stages_failed = 0, stages_skipped = 0, stages_active = 0, stages_pending = 0;
  int32_t stages_retried = 0;  // stage ids with more than one attempt
  int64_t tasks_succeeded = 0, tasks_failed = 0, tasks_killed = 0;
  int32_t executors_added = 0, executors_removed = 0;
  std::vector<LostExecutor> executors_lost;  // removed for reasons other than normal shutdown
  std::vector<SlowStage> slowest_stages;
};

// Executor removal reasons that are part of normal operation (dynamic allocation, shutdown).
bool is_normal_removal(std::string_view reason);

AppSummary summarize(const eventlog::AppModel& model, size_t slowest_stages = 5);

// An input-level problem (unreadable bundle entry, nothing found).
struct InputIssue {
  std::string source, message;
};

std::string render_text(const std::vector<AppSummary>& apps, const std::vector<InputIssue>& issues);
std::string render_json(const std::vector<AppSummary>& apps, const std::vector<InputIssue>& issues,
                        const std::vector<std::string>& inputs);

}  // namespace sm::summary
