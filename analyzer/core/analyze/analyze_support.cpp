#include "analyze/analyze_internal.h"

#include "summary/summary.h"
#include "util/json_writer.h"

namespace sm::analyze {

Status scan_eventlog_texts(sql::Db& db, LogIngestor& logs, int64_t app_key) {
  struct Query {
    const char* sql;
    catalog::Stream stream;
    const char* ref_prefix;
  };
  // id, text, time, executor
  const Query queries[] = {
      {"SELECT group_id, description, first_time, NULL FROM failed_task_group WHERE app_key = ?1",
       catalog::kTaskFailure, "failed_task_group#"},
      {"SELECT s.group_id, s.message, s.time, s.executor_id FROM failed_task_sample s WHERE s.app_key = ?1 "
       "AND s.rowid IN (SELECT min(rowid) FROM failed_task_sample WHERE app_key = ?1 GROUP BY group_id)",
       catalog::kTaskFailure, "failed_task_sample#"},
      {"SELECT stage_id || '.' || attempt_id, failure_reason, completion_time, NULL FROM stage_attempt "
       "WHERE app_key = ?1 AND failure_reason IS NOT NULL",
       catalog::kStageFailure, "stage_attempt#"},
      {"SELECT job_id, failure_message, completion_time, NULL FROM job WHERE app_key = ?1 AND failure_message IS NOT NULL",
       catalog::kJobFailure, "job#"},
      {"SELECT executor_id, remove_reason, remove_time, executor_id FROM executor WHERE app_key = ?1 AND remove_reason IS NOT NULL",
       catalog::kExecutorRemoved, "executor#"},
      {"SELECT execution_id, error_message, end_time, NULL FROM sql_execution WHERE app_key = ?1 AND error_message IS NOT NULL",
       catalog::kSqlFailure, "sql_execution#"},
  };
  for (const auto& q : queries) {
    auto st = db.prepare(q.sql);
    if (!st.ok()) return st.take_error();
    st->bind(1, app_key);
    std::vector<std::tuple<std::string, std::string, std::optional<int64_t>, std::optional<std::string>>> rows;
    for (;;) {
      auto has = st->step();
      if (!has.ok()) return has.take_error();
      if (!*has) break;
      rows.emplace_back(st->column_text(0), st->column_text(1),
                        st->column_is_null(2) ? std::nullopt : std::optional<int64_t>(st->column_int(2)),
                        st->column_is_null(3) ? std::nullopt : std::optional<std::string>(st->column_text(3)));
    }
    (void)st->reset();
    for (const auto& [id, text, ts, exec] : rows)
      SM_TRY(logs.scan_text(text, q.stream, q.ref_prefix + id, app_key, ts, exec));
  }
  return ok_status();
}

namespace {
int64_t count(sql::Db& db, const std::string& q, int64_t app_key) {
  auto st = db.prepare(q);
  if (!st.ok()) return 0;
  st->bind(1, app_key);
  auto has = st->step();
  return has.ok() && *has ? st->column_int(0) : 0;
}
}  // namespace

diagnose::DataQuality data_quality(sql::Db& db, int64_t app_key, const eventlog::AppModel* model,
                                   const std::set<std::string>& truncated_files) {
  diagnose::DataQuality dq;
  dq.has_eventlog = model != nullptr;
  dq.eventlog_complete = model && model->app.completed;
  const char* kinds = "SELECT count(*) FROM source_file WHERE (app_key = ?1 OR app_key IS NULL) AND kind = ";
  dq.has_driver_log = count(db, std::string(kinds) + "'driver_log'", app_key) > 0 ||
                      count(db, "SELECT count(*) FROM log_match WHERE stream = 'driver_log' AND ref IS NOT NULL", app_key) > 0;
  dq.has_executor_logs = count(db, std::string(kinds) + "'executor_log'", app_key) > 0;
  dq.has_k8s = count(db, "SELECT (SELECT count(*) FROM k8s_pod) + (SELECT count(*) FROM k8s_event) + ?1 * 0", app_key) > 0;
  dq.has_metrics = count(db, "SELECT count(*) + ?1 * 0 FROM metric_series", app_key) > 0 ||
                   (model && std::any_of(model->executors.begin(), model->executors.end(),
                                         [](const eventlog::Executor& e) { return e.peak_metrics.any(); }));
  if (model) {
    auto s = summary::summarize(*model);
    dq.app_failed = s.outcome == summary::Outcome::failed || s.outcome == summary::Outcome::incomplete ||
                    s.outcome == summary::Outcome::completed_with_failures;
    for (const auto& w : model->warnings)
      if (w.kind == "truncated_stream" || w.kind == "corrupt_stream" || w.kind == "limit") dq.truncated.push_back(w.file);
  }
  for (const auto& f : truncated_files) dq.truncated.push_back(f);
  auto st = db.prepare("SELECT path FROM source_file WHERE truncated = 1");
  if (st.ok())
    while (true) {
      auto has = st->step();
      if (!has.ok() || !*has) break;
      std::string p = st->column_text(0);
      if (std::find(dq.truncated.begin(), dq.truncated.end(), p) == dq.truncated.end()) dq.truncated.push_back(p);
    }
  return dq;
}

void fill_context(sql::Db& db, diagnose::Diagnosis& d, const eventlog::AppModel* model, int64_t app_key) {
  if (model) {
    d.app_id = model->app.app_id;
    d.app_name = model->app.name;
    d.spark_version = model->app.spark_version;
    d.outcome = summary::to_string(summary::summarize(*model).outcome);
    for (const auto& w : model->warnings)
      if (d.notes.size() < 20) d.notes.push_back(w.file + (w.line ? ":" + std::to_string(w.line) : "") + ": " + w.kind + ": " + w.message);
  } else {
    d.app_id = "(no event log)";
    d.outcome = "unknown";
  }
  if (auto st = db.prepare("SELECT name, status, coalesce(reason, error, ''), truncated FROM manifest_source"); st.ok())
    while (true) {
      auto has = st->step();
      if (!has.ok() || !*has) break;
      d.sources.push_back({st->column_text(0), st->column_text(1), st->column_text(2), st->column_int(3) != 0});
    }
  if (auto st = db.prepare("SELECT kind, count(*), sum(truncated) FROM source_file WHERE app_key = ?1 OR app_key IS NULL GROUP BY kind");
      st.ok()) {
    st->bind(1, app_key);
    while (true) {
      auto has = st->step();
      if (!has.ok() || !*has) break;
      d.sources.push_back({st->column_text(0), "present", std::to_string(st->column_int(1)) + " file(s)", st->column_int(2) > 0});
    }
  }
  if (model) d.sources.push_back({"eventlog", "present", model->app.source_path, !model->app.completed && !model->app.in_progress});
  if (auto st = db.prepare("SELECT alertname, severity, state, runbook_url, json_extract(annotations, '$.summary'), starts_at FROM alert");
      st.ok())
    while (true) {
      auto has = st->step();
      if (!has.ok() || !*has) break;
      diagnose::AlertRef a{st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4),
                           st->column_is_null(5) ? std::nullopt : std::optional<int64_t>(st->column_int(5))};
      d.alerts.push_back(std::move(a));
    }
}

Status write_findings(sql::Db& db, const diagnose::Diagnosis& d, int64_t app_key) {
  auto st = db.prepare(
      "INSERT INTO finding(app_key, class, code, score, confidence, rank, is_root, explained_by, first_ts, summary, facts) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  if (!st.ok()) return st.take_error();
  int rank = 1;
  for (const auto& f : d.findings) {
    JsonWriter w;
    w.begin_object();
    for (const auto& [k, v] : f.facts) w.field(k, v);
    w.end_object();
    bool is_root = d.root_cause && d.root_cause->failure_class == f.failure_class;
    SM_TRY(st->bind(1, app_key).bind(2, f.failure_class).bind(3, f.code).bind(4, f.score).bind(5, f.confidence)
               .bind(6, rank++).bind(7, is_root).bind(8, f.explained_by).bind(9, f.first_ts).bind(10, f.summary)
               .bind(11, w.str()).exec());
  }
  return ok_status();
}

}  // namespace sm::analyze
