// The terminal form of the summary: short, aligned, worst news first.
#include <algorithm>
#include <cstdint>
#include <sstream>

#include "summary/summary.h"
#include "util/format.h"

namespace sm::summary {
namespace {

// Milliseconds from a quantile: clamped so no double reaches an int64 it cannot fit in.
int64_t ms_of(double v) {
  if (!(v > 0)) return 0;
  if (v >= 9.0e18) return INT64_MAX;
  return static_cast<int64_t>(v);
}

std::string one_line(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') {
      if (!out.empty()) break;
      continue;
    }
    out.push_back(c == '\t' ? ' ' : c);
  }
  if (out.size() > max) out = out.substr(0, max - 3) + "...";
  return out;
}

std::string join_ids(const std::vector<int32_t>& ids, size_t max = 8) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < max; ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
  if (ids.size() > max) out += ", ...";
  return out;
}

std::string join_str(const std::vector<std::string>& ids, size_t max = 8) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < max; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > max) out += ", ...";
  return out;
}

std::string outcome_label(Outcome o) {
  switch (o) {
    case Outcome::succeeded: return "SUCCEEDED";
    case Outcome::failed: return "FAILED";
    case Outcome::completed_with_failures: return "COMPLETED WITH FAILED JOBS";
    case Outcome::running: return "RUNNING (in progress)";
    case Outcome::incomplete: return "INCOMPLETE (no application end)";
  }
  return "?";
}

void render_app(std::ostringstream& o, const AppSummary& s) {
  const auto& m = *s.model;
  const auto& a = m.app;
  o << "Application " << a.app_id;
  if (a.attempt_id) o << " (attempt " << *a.attempt_id << ")";
  if (!a.name.empty()) o << " \"" << a.name << "\"";
  o << "\n";
  o << "  outcome     " << outcome_label(s.outcome) << ": " << s.outcome_reason << "\n";
  o << "  spark       " << (a.spark_version.empty() ? "unknown version" : a.spark_version);
  if (!a.user.empty()) o << ", user " << a.user;
  if (!a.master.empty()) o << ", master " << a.master;
  if (!a.deploy_mode.empty()) o << " (" << a.deploy_mode << " mode)";
  o << "\n";
  o << "  time        " << fmt::time_utc(a.start_time) << " -> " << fmt::time_utc(a.end_time);
  if (s.duration_ms) o << "  (" << fmt::duration_ms(*s.duration_ms) << (a.end_time ? "" : " until the last event") << ")";
  o << "\n";
  o << "  source      " << a.source_path << " (" << a.layout << ", " << a.codec << ", "
    << fmt::bytes(static_cast<int64_t>(a.raw_bytes)) << " on disk, " << fmt::bytes(static_cast<int64_t>(a.bytes_read))
    << " of events, " << fmt::count(static_cast<int64_t>(a.lines)) << " lines)\n";
  o << "  jobs        " << m.jobs.size() << ": " << s.jobs_succeeded << " succeeded, " << s.jobs_failed << " failed";
  if (s.jobs_running) o << ", " << s.jobs_running << " running";
  o << "\n";
  o << "  stages      " << m.stages.size() << " attempts: " << s.stages_complete << " complete, " << s.stages_failed
    << " failed, " << s.stages_skipped << " skipped";
  if (s.stages_active) o << ", " << s.stages_active << " active";
  if (s.stages_pending) o << ", " << s.stages_pending << " pending";
  if (s.stages_retried) o << "; " << s.stages_retried << " stage(s) retried";
  o << "\n";
  o << "  tasks       " << fmt::count(m.total_tasks_ended) << " ended: " << fmt::count(s.tasks_succeeded)
    << " succeeded, " << fmt::count(s.tasks_failed) << " failed, " << fmt::count(s.tasks_killed) << " killed";
  if (m.total_tasks_started > m.total_tasks_ended)
    o << "; " << fmt::count(m.total_tasks_started - m.total_tasks_ended) << " never ended";
  o << "\n";
  o << "  executors   " << s.executors_added << " added, " << s.executors_removed << " removed, "
    << s.executors_lost.size() << " lost\n";

  if (!m.failed_task_groups.empty()) {
    o << "\n  Failed task attempts by reason\n";
    size_t shown = 0;
    for (const auto& g : m.failed_task_groups) {
      if (shown++ == 8) {
        o << "    ... " << (m.failed_task_groups.size() - 8) << " more groups\n";
        break;
      }
      o << "    " << fmt::count(g.count) << " x " << g.reason;
      if (!g.exception_class.empty()) o << " " << g.exception_class;
      if (g.exit_code) o << " (exit code " << *g.exit_code << ")";
      o << "\n";
      if (!g.description.empty()) o << "        " << one_line(g.description, 160) << "\n";
      o << "        stages " << join_ids(g.stage_ids) << "; executors " << join_str(g.executor_ids) << "\n";
    }
  }
  bool any_failed_job = false;
  for (const auto& j : m.jobs) {
    if (j.status != eventlog::JobStatus::failed) continue;
    if (!any_failed_job) o << "\n  Failed jobs\n";
    any_failed_job = true;
    o << "    job " << j.job_id << " \"" << one_line(j.name, 60) << "\": "
      << one_line(j.failure_message.value_or("(no message)"), 200) << "\n";
  }
  bool any_failed_stage = false;
  for (const auto& st : m.stages) {
    if (st.status != eventlog::StageStatus::failed) continue;
    if (!any_failed_stage) o << "\n  Failed stages\n";
    any_failed_stage = true;
    o << "    stage " << st.stage_id << "." << st.attempt_id << " \"" << one_line(st.name, 60) << "\": "
      << one_line(st.failure_reason.value_or(""), 200) << "\n";
  }
  if (!s.executors_lost.empty()) {
    o << "\n  Executors lost\n";
    for (const auto& e : s.executors_lost) {
      o << "    executor " << e.executor_id;
      if (!e.host.empty()) o << " on " << e.host;
      o << " at " << fmt::time_utc(e.remove_time);
      if (e.exit_code) o << " (exit code " << *e.exit_code << ")";
      o << ": " << one_line(e.reason, 200) << "\n";
    }
  }
  for (const auto& q : m.sql_executions) {
    if (!q.error_message) continue;
    o << "\n  Failed SQL execution " << q.execution_id << ": " << one_line(*q.error_message, 200) << "\n";
  }
  if (!s.slowest_stages.empty()) {
    o << "\n  Slowest stages\n";
    for (const auto& st : s.slowest_stages) {
      o << "    stage " << st.stage_id << "." << st.attempt_id << "  " << fmt::duration_ms(st.duration_ms) << "  "
        << st.status << "  " << st.num_tasks << " tasks";
      if (st.task_median_ms && st.task_max_ms)
        o << "  task median " << fmt::duration_ms(ms_of(*st.task_median_ms)) << ", max "
          << fmt::duration_ms(ms_of(*st.task_max_ms));
      if (st.skew_ratio && *st.skew_ratio >= 5.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", *st.skew_ratio);
        o << " (max/median " << buf << "x)";
      }
      o << "  \"" << one_line(st.name, 50) << "\"\n";
    }
  }
  if (!m.warnings.empty()) {
    o << "\n  Reader warnings\n";
    for (const auto& w : m.warnings) {
      o << "    " << w.file;
      if (w.line) o << ":" << w.line;
      o << ": " << w.kind << ": " << one_line(w.message, 220) << "\n";
    }
  }
}

}  // namespace

std::string render_text(const std::vector<AppSummary>& apps, const std::vector<InputIssue>& issues) {
  std::ostringstream o;
  for (size_t i = 0; i < apps.size(); ++i) {
    if (i) o << "\n";
    render_app(o, apps[i]);
  }
  if (!issues.empty()) {
    o << (apps.empty() ? "" : "\n") << "Input issues\n";
    for (const auto& is : issues) o << "  " << is.source << ": " << is.message << "\n";
  }
  return o.str();
}

}  // namespace sm::summary
