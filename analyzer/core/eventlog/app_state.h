#pragma once
// AppStateBuilder replays listener events into an AppModel with the same bookkeeping as Spark's
// AppStatusListener (core/src/main/scala/org/apache/spark/status/AppStatusListener.scala), so
// counts, statuses and sums agree with the History Server. Where we deliberately differ it is
// to keep evidence a diagnosis needs; each difference is documented in docs/index-schema.md
// ("Agreement with the History Server").
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eventlog/events.h"
#include "eventlog/model.h"
#include "eventlog/quantile_sketch.h"

namespace sm::eventlog {

struct BuilderOptions {
  // Quantiles computed for every stage attempt (History Server default 0.05..0.95, plus
  // min and max).
  std::vector<double> quantiles = {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0};
  uint32_t exact_quantile_tasks = QuantileSketch::kDefaultExactCapacity;
  size_t slowest_tasks_per_stage = 5;
  size_t samples_per_failure_group = 5;
  size_t max_failure_groups = 500;
  size_t max_ids_per_failure_group = 32;
  size_t max_message_bytes = 8192;
  size_t max_live_tasks = 2'000'000;  // TaskStarts without TaskEnd kept for matching
};

class AppStateBuilder {
 public:
  explicit AppStateBuilder(BuilderOptions options = {});
  ~AppStateBuilder();
  AppStateBuilder(const AppStateBuilder&) = delete;
  AppStateBuilder& operator=(const AppStateBuilder&) = delete;

  void count_event(std::string_view event_name, bool known);
  void observe_time(int64_t t);

  void on_log_start(std::string_view spark_version);
  void on_application_start(std::string_view app_id, std::optional<std::string_view> attempt_id,
                            std::string_view name, std::string_view user, int64_t time,
                            const std::vector<std::pair<std::string_view, std::string_view>>& driver_logs);
  void on_application_end(int64_t time, std::optional<int64_t> exit_code);
  // Spark properties are redacted here (keys that look like secrets).
  void on_environment(const std::vector<std::pair<std::string_view, std::string_view>>& spark_properties,
                      std::string_view java_version, std::string_view scala_version);
  void on_resource_profile_added(const ResourceProfileAddedEvent& e);

  void on_job_start(const JobStartEvent& e);
  void on_job_end(const JobEndEvent& e);
  void on_stage_submitted(const StageSubmittedEvent& e);
  void on_stage_completed(const StageInfoView& info);
  void on_task_start(const TaskStartEvent& e);
  void on_task_end(const TaskEndEvent& e);

  void on_executor_added(const ExecutorAddedEvent& e);
  void on_executor_removed(int64_t time, std::string_view executor_id, std::string_view reason);
  void on_block_manager_added(const BlockManagerAddedEvent& e);
  void on_stage_executor_metrics(int32_t stage_id, int32_t attempt_id, std::string_view executor_id,
                                 const ExecutorMetricPeaks& peaks);
  void on_executor_metrics_update(std::string_view executor_id, int32_t stage_id, int32_t attempt_id,
                                  const ExecutorMetricPeaks& peaks);
  void on_exclusion(const ExclusionEvent& e);

  void on_sql_execution_start(int64_t execution_id, std::optional<int64_t> root_execution_id,
                              std::string_view description, std::optional<int64_t> time);
  void on_sql_execution_end(int64_t execution_id, std::optional<int64_t> time,
                            std::optional<std::string_view> error_message);

  void add_warning(ReaderWarning w);
  Application& application() { return model_.app; }

  // Finalises quantiles and orders everything; the builder is empty afterwards.
  AppModel finish();

  // Number of secret-looking Spark property values replaced by the redaction marker.
  int64_t redacted_properties() const { return redacted_properties_; }

 private:
  struct StageState;
  struct ExecutorState;
  struct JobState;
  struct LiveTask {
    int32_t stage_id;
    int32_t stage_attempt_id;
  };
  using StageKey = std::pair<int32_t, int32_t>;

  StageState& get_or_create_stage(const StageInfoView& info, bool from_job_start);
  StageState* live_stage(int32_t stage_id, int32_t attempt_id);
  ExecutorState& get_or_create_executor(std::string_view id, int64_t add_time);
  ExecutorState* live_executor(std::string_view id);
  void finalize_stage(StageState& s);
  void record_failure(const TaskEndEvent& e);
  void record_sample_task(StageState& s, const TaskEndEvent& e, int64_t duration);
  void update_dead_executor_retention();
  JobState* job(int32_t id);
  bool executor_active_for_live_stages(const ExecutorState& ex) const;

  BuilderOptions options_;
  AppModel model_;
  std::map<int32_t, std::unique_ptr<JobState>> jobs_;
  std::vector<int32_t> live_job_ids_;
  std::map<StageKey, std::unique_ptr<StageState>> stages_;
  // Shadows: a job re-listing a stage that already finished (its output is reused). The
  // History Server replaces the finished stage with a fresh PENDING one that the job end marks
  // SKIPPED; we keep the finished data and track the skip on the shadow only.
  std::map<StageKey, std::unique_ptr<StageState>> shadows_;
  std::map<std::string, std::unique_ptr<ExecutorState>, std::less<>> executors_;
  std::vector<std::string> executor_order_;
  std::unordered_map<int64_t, LiveTask> live_tasks_;
  std::map<std::string, size_t, std::less<>> failure_index_;  // group key -> index
  std::map<int64_t, SqlExecution> sql_;
  std::map<std::string, EventCount, std::less<>> event_counts_;
  std::map<int32_t, double> task_cpus_by_profile_;
  double default_cpus_per_task_ = 1.0;
  int64_t redacted_properties_ = 0;
};

// The History Server's errorMessage form of a task end reason (TaskEndReason.toErrorString).
std::string task_end_error_string(const TaskEndReasonView& r);
// An exit code mentioned in a loss reason ("exit code 137", "Exit status: 143", ...).
std::optional<int64_t> parse_exit_code(std::string_view text);
// True if a Spark property key names a secret (Spark's spark.redaction.regex default plus
// credential-like keys).
bool is_secret_property_key(std::string_view key);
inline constexpr std::string_view kRedactedValue = "*********(redacted)";

}  // namespace sm::eventlog
