// The JSON form of the summary (schema sparkmedic.summary/v1, docs/schemas/summary-v1.schema.json).
#include "eventlog/app_state.h"
#include "summary/summary.h"
#include "util/format.h"
#include "util/json_writer.h"

namespace sm::summary {
namespace {

void time_field(JsonWriter& w, std::string_view key, std::optional<int64_t> t) {
  w.key(key);
  if (t && *t > 0) w.value(fmt::time_rfc3339(*t));
  else w.null();
}

void render_app(JsonWriter& w, const AppSummary& s) {
  const auto& m = *s.model;
  const auto& a = m.app;
  w.begin_object();
  w.field("app_id", a.app_id).field("attempt_id", a.attempt_id).field("name", a.name).field("user", a.user);
  w.field("spark_version", a.spark_version).field("master", a.master).field("deploy_mode", a.deploy_mode);
  w.key("source").begin_object();
  w.field("path", a.source_path).field("layout", a.layout).field("codec", a.codec);
  w.field("raw_bytes", static_cast<int64_t>(a.raw_bytes)).field("decoded_bytes", static_cast<int64_t>(a.bytes_read));
  w.field("lines", static_cast<int64_t>(a.lines)).field("in_progress", a.in_progress).field("compacted", a.compacted);
  w.end_object();
  w.key("outcome").begin_object();
  w.field("status", to_string(s.outcome)).field("reason", s.outcome_reason).field("completed", a.completed);
  w.field("exit_code", a.exit_code);
  w.end_object();
  time_field(w, "start_time", a.start_time);
  time_field(w, "end_time", a.end_time);
  w.field("duration_ms", s.duration_ms);
  w.key("jobs").begin_object();
  w.field("total", static_cast<int64_t>(m.jobs.size())).field("succeeded", s.jobs_succeeded)
      .field("failed", s.jobs_failed).field("running", s.jobs_running);
  w.end_object();
  w.key("stages").begin_object();
  w.field("attempts", static_cast<int64_t>(m.stages.size())).field("complete", s.stages_complete)
      .field("failed", s.stages_failed).field("skipped", s.stages_skipped).field("active", s.stages_active)
      .field("pending", s.stages_pending).field("retried", s.stages_retried);
  w.end_object();
  w.key("tasks").begin_object();
  w.field("started", m.total_tasks_started).field("ended", m.total_tasks_ended).field("succeeded", s.tasks_succeeded)
      .field("failed", s.tasks_failed).field("killed", s.tasks_killed);
  w.end_object();
  w.key("executors").begin_object();
  w.field("added", s.executors_added).field("removed", s.executors_removed)
      .field("lost", static_cast<int64_t>(s.executors_lost.size()));
  w.end_object();

  w.key("failed_tasks_by_reason").begin_array();
  for (const auto& g : m.failed_task_groups) {
    w.begin_object();
    w.field("reason", g.reason).field("count", g.count);
    w.key("exception_class");
    if (g.exception_class.empty()) w.null(); else w.value(g.exception_class);
    w.field("description", g.description).field("exit_code", g.exit_code);
    w.field("exit_caused_by_app", g.exit_caused_by_app).field("shuffle_id", g.shuffle_id);
    w.key("stage_ids").begin_array();
    for (auto id : g.stage_ids) w.value(static_cast<int64_t>(id));
    w.end_array();
    w.key("executor_ids").begin_array();
    for (const auto& id : g.executor_ids) w.value(id);
    w.end_array();
    w.key("top_frames").begin_array();
    for (const auto& f : g.top_frames) w.value(f);
    w.end_array();
    time_field(w, "first_time", g.first_time);
    time_field(w, "last_time", g.last_time);
    w.key("samples").begin_array();
    for (const auto& smp : g.samples) {
      w.begin_object();
      w.field("task_id", smp.task_id).field("stage_id", static_cast<int64_t>(smp.stage_id))
          .field("stage_attempt_id", static_cast<int64_t>(smp.stage_attempt_id)).field("index", smp.index)
          .field("attempt", static_cast<int64_t>(smp.attempt)).field("executor_id", smp.executor_id)
          .field("host", smp.host).field("message", smp.message);
      time_field(w, "time", smp.time);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("failed_jobs").begin_array();
  for (const auto& j : m.jobs) {
    if (j.status != eventlog::JobStatus::failed) continue;
    w.begin_object();
    w.field("job_id", static_cast<int64_t>(j.job_id)).field("name", j.name).field("message", j.failure_message);
    w.end_object();
  }
  w.end_array();
  w.key("failed_stages").begin_array();
  for (const auto& st : m.stages) {
    if (st.status != eventlog::StageStatus::failed) continue;
    w.begin_object();
    w.field("stage_id", static_cast<int64_t>(st.stage_id)).field("attempt_id", static_cast<int64_t>(st.attempt_id))
        .field("name", st.name).field("failure_reason", st.failure_reason);
    w.end_object();
  }
  w.end_array();
  w.key("executors_lost").begin_array();
  for (const auto& e : s.executors_lost) {
    w.begin_object();
    w.field("executor_id", e.executor_id).field("host", e.host).field("reason", e.reason).field("exit_code", e.exit_code);
    time_field(w, "remove_time", e.remove_time);
    w.end_object();
  }
  w.end_array();
  w.key("slowest_stages").begin_array();
  for (const auto& st : s.slowest_stages) {
    w.begin_object();
    w.field("stage_id", static_cast<int64_t>(st.stage_id)).field("attempt_id", static_cast<int64_t>(st.attempt_id))
        .field("name", st.name).field("status", st.status).field("duration_ms", st.duration_ms)
        .field("num_tasks", static_cast<int64_t>(st.num_tasks)).field("failed_tasks", static_cast<int64_t>(st.failed_tasks))
        .field("task_duration_median_ms", st.task_median_ms).field("task_duration_max_ms", st.task_max_ms)
        .field("skew_ratio", st.skew_ratio);
    w.end_object();
  }
  w.end_array();
  w.key("failed_sql").begin_array();
  for (const auto& q : m.sql_executions) {
    if (!q.error_message) continue;
    w.begin_object();
    w.field("execution_id", q.execution_id).field("description", q.description).field("error_message", q.error_message);
    w.end_object();
  }
  w.end_array();
  w.key("warnings").begin_array();
  for (const auto& x : m.warnings) {
    w.begin_object();
    w.field("file", x.file).field("line", static_cast<int64_t>(x.line)).field("kind", x.kind).field("message", x.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string render_json(const std::vector<AppSummary>& apps, const std::vector<InputIssue>& issues,
                        const std::vector<std::string>& inputs) {
  JsonWriter w(/*pretty=*/true);
  w.begin_object();
  w.field("schema", kSummarySchema);
  w.field("generator", "sparkmedic-analyze " SPARKMEDIC_VERSION);
  w.key("inputs").begin_array();
  for (const auto& in : inputs) w.value(in);
  w.end_array();
  w.key("applications").begin_array();
  for (const auto& a : apps) render_app(w, a);
  w.end_array();
  w.key("input_issues").begin_array();
  for (const auto& is : issues) {
    w.begin_object();
    w.field("source", is.source).field("message", is.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

}  // namespace sm::summary
