#include "summary/summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "eventlog/app_state.h"

namespace sm::summary {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::succeeded: return "succeeded";
    case Outcome::failed: return "failed";
    case Outcome::completed_with_failures: return "completed_with_failures";
    case Outcome::running: return "running";
    case Outcome::incomplete: return "incomplete";
  }
  return "incomplete";
}

bool is_normal_removal(std::string_view reason) {
  // Reasons Spark gives for executors it removed on purpose (CoarseGrainedSchedulerBackend,
  // ExecutorAllocationManager, decommissioning, application shutdown).
  static const std::string_view kNormal[] = {
      "Executor killed by driver", "explicit termination request", "Dynamic allocation",
      "dynamic allocation", "is idle", "Executor decommission", "decommissioned",
      "Stale executor after cluster manager re-registered", "Application is finished"};
  for (std::string_view n : kNormal)
    if (reason.find(n) != std::string_view::npos) return true;
  return false;
}

AppSummary summarize(const eventlog::AppModel& m, size_t slowest) {
  using eventlog::JobStatus;
  using eventlog::StageStatus;
  AppSummary s;
  s.model = &m;
  const auto& a = m.app;
  if (a.start_time && a.end_time) s.duration_ms = *a.end_time - *a.start_time;
  else if (a.start_time && m.last_event_time > *a.start_time) s.duration_ms = m.last_event_time - *a.start_time;

  for (const auto& j : m.jobs) {
    if (j.status == JobStatus::succeeded) ++s.jobs_succeeded;
    else if (j.status == JobStatus::failed) ++s.jobs_failed;
    else ++s.jobs_running;
  }
  std::map<int32_t, int> attempts;
  for (const auto& st : m.stages) {
    ++attempts[st.stage_id];
    switch (st.status) {
      case StageStatus::complete: ++s.stages_complete; break;
      case StageStatus::failed: ++s.stages_failed; break;
      case StageStatus::skipped: ++s.stages_skipped; break;
      case StageStatus::active: ++s.stages_active; break;
      case StageStatus::pending: ++s.stages_pending; break;
    }
  }
  for (const auto& [id, n] : attempts)
    if (n > 1) ++s.stages_retried;
  for (const auto& g : m.failed_task_groups) {
    if (g.reason == "TaskKilled" || g.reason == "TaskCommitDenied") s.tasks_killed += g.count;
    else s.tasks_failed += g.count;
  }
  s.tasks_succeeded = std::max<int64_t>(0, m.total_tasks_ended - s.tasks_failed - s.tasks_killed);

  for (const auto& e : m.executors) {
    if (e.id == "driver") continue;
    ++s.executors_added;
    if (e.remove_time) {
      ++s.executors_removed;
      std::string reason = e.remove_reason.value_or("");
      if (!is_normal_removal(reason))
        s.executors_lost.push_back({e.id, e.host, reason, e.remove_time, eventlog::parse_exit_code(reason)});
    }
  }

  for (const auto& st : m.stages) {
    if (!st.submission_time) continue;
    int64_t end = st.completion_time.value_or(m.last_event_time);
    SlowStage ss;
    ss.stage_id = st.stage_id;
    ss.attempt_id = st.attempt_id;
    ss.name = st.name;
    ss.status = eventlog::to_string(st.status);
    ss.duration_ms = std::max<int64_t>(0, end - *st.submission_time);
    ss.num_tasks = st.num_tasks;
    ss.failed_tasks = st.failed_tasks;
    if (st.quantiles && !st.quantiles->q.empty()) {
      const auto& q = *st.quantiles;
      const auto& d = q.value[static_cast<size_t>(eventlog::TaskMetric::duration)];
      for (size_t i = 0; i < q.q.size(); ++i) {
        // A corrupt log can carry absurd task times; a non-finite quantile is no figure at all.
        if (!std::isfinite(d[i])) continue;
        if (q.q[i] == 0.5) ss.task_median_ms = d[i];
        if (q.q[i] == 1.0) ss.task_max_ms = d[i];
      }
      if (ss.task_median_ms && ss.task_max_ms && *ss.task_median_ms > 0)
        ss.skew_ratio = *ss.task_max_ms / *ss.task_median_ms;
    }
    s.slowest_stages.push_back(std::move(ss));
  }
  std::sort(s.slowest_stages.begin(), s.slowest_stages.end(),
            [](const SlowStage& x, const SlowStage& y) { return x.duration_ms > y.duration_ms; });
  if (s.slowest_stages.size() > slowest) s.slowest_stages.resize(slowest);

  // Outcome: exit code first (Spark 4 records it), then job results, then completeness.
  if (a.exit_code && *a.exit_code != 0) {
    s.outcome = Outcome::failed;
    s.outcome_reason = "the application exited with code " + std::to_string(*a.exit_code);
  } else if (!a.completed) {
    if (a.in_progress) {
      s.outcome = Outcome::running;
      s.outcome_reason = "the log is in progress: the application was still running when it was copied";
    } else {
      s.outcome = Outcome::incomplete;
      s.outcome_reason = "the log has no application end: the driver was killed or crashed, or the log was cut";
    }
    if (s.jobs_failed > 0) s.outcome_reason += "; " + std::to_string(s.jobs_failed) + " job(s) had failed";
  } else if (s.jobs_failed > 0) {
    bool last_failed = false;
    const eventlog::Job* last = nullptr;
    for (const auto& j : m.jobs)
      if (!last || j.completion_time.value_or(0) >= last->completion_time.value_or(0)) last = &j;
    if (last) last_failed = last->status == JobStatus::failed;
    s.outcome = last_failed ? Outcome::failed : Outcome::completed_with_failures;
    s.outcome_reason = std::to_string(s.jobs_failed) + " of " + std::to_string(m.jobs.size()) + " job(s) failed" +
                       (last_failed ? ", including the last one" : "; later jobs succeeded");
  } else {
    s.outcome = Outcome::succeeded;
    s.outcome_reason = "all " + std::to_string(m.jobs.size()) + " job(s) succeeded";
  }
  return s;
}

}  // namespace sm::summary
