#include "sources/observability.h"

#include <simdjson.h>

#include <algorithm>

#include "from_alert.h"
#include "time_util.h"

namespace sm::collect {
namespace {

// Range queries aim at about this many points per series (Prometheus refuses more than
// 11,000); never finer than one second.
constexpr int64_t kTargetPoints = 1000;
// Alertmanager answers are small; this bounds a misbehaving server.
constexpr uint64_t kMaxAlertsBytes = uint64_t{64} << 20;

// Names of metrics verified in real runs and in Spark's sources (docs/collector.md has the
// provenance of each family).
const char* const kDriver = R"q(metrics_(${metrics_namespaces})_driver_)q";

std::string driver(const char* rest) { return std::string(R"q({__name__=~")q") + kDriver + rest + R"q("})q"; }

std::string executor(const char* names) {
  return std::string(R"q({__name__=~"metrics_executor_()q") + names + R"q()",application_id=~"${app_ids}"})q";
}

std::vector<NamedQuery> make_defaults() {
  return {
      {"driver_dag_scheduler", driver("DAGScheduler_(stage_failedStages|stage_runningStages|stage_waitingStages|job_activeJobs|job_allJobs)_Value")},
      {"driver_memory", driver("(jvm_heap_used|jvm_heap_max|jvm_non_heap_used|ExecutorMetrics_JVMHeapMemory|ExecutorMetrics_JVMOffHeapMemory|"
                               "ExecutorMetrics_OnHeapExecutionMemory|ExecutorMetrics_ProcessTreeJVMRSSMemory|"
                               "ExecutorMetrics_ProcessTreePythonRSSMemory)_Value")},
      {"driver_gc", driver("ExecutorMetrics_(MinorGCTime|MajorGCTime|MajorGCCount|TotalGCTime)_Value")},
      {"driver_block_manager", driver("BlockManager_(memory_memUsed_MB|memory_maxMem_MB|memory_remainingMem_MB|disk_diskSpaceUsed_MB)_Value")},
      {"driver_listener_bus", driver("LiveListenerBus_(numEventsPosted|queue_[A-Za-z]+_numDroppedEvents)_Count")},
      {"driver_app_status", driver("appStatus_(jobs_failedJobs|jobs_succeededJobs|stages_failedStages|stages_completedStages|"
                                   "tasks_failedTasks|tasks_completedTasks|tasks_killedTasks|tasks_excludedExecutors)_Count")},
      {"driver_executor_allocation", driver("ExecutorAllocationManager_executors_(numberAllExecutors_Value|numberTargetExecutors_Value|"
                                            "numberMaxNeededExecutors_Value|numberExecutorsExitedUnexpectedly_Count|"
                                            "numberExecutorsKilledByDriver_Count)")},
      {"executor_memory", executor("memoryUsed_bytes|maxMemory_bytes|diskUsed_bytes|JVMHeapMemory_bytes|JVMOffHeapMemory_bytes|"
                                   "OnHeapExecutionMemory_bytes|ProcessTreeJVMRSSMemory_bytes|ProcessTreePythonRSSMemory_bytes")},
      {"executor_tasks", executor("activeTasks|maxTasks|failedTasks_total|completedTasks_total|totalTasks_total")},
      {"executor_gc", executor("totalGCTime_seconds_total|totalDuration_seconds_total|MajorGCTime_seconds_total|MajorGCCount_total")},
      {"executor_io", executor("totalInputBytes_bytes_total|totalShuffleRead_bytes_total|totalShuffleWrite_bytes_total")},
      {"standalone_master", R"q({__name__=~"metrics_master_(workers|aliveWorkers|apps|waitingApps)_Value"})q"},
      {"standalone_workers", R"q({__name__=~"metrics_worker_(executors|coresUsed|coresFree|memUsed_MB|memFree_MB)_Value"})q"},
      {"alerts", "ALERTS"},
  };
}

// A regex alternation of literal values inside a PromQL string: RE2 metacharacters are
// escaped, and the backslash doubled for the PromQL string literal.
std::string promql_regex_alternation(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += "|";
    for (char c : v) {
      if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-') out.push_back(c);
      else if (c == '"') out += "\\\"";  // a quote needs no regex escape, only the string's
      else {
        out += "\\\\";
        out.push_back(c);
      }
    }
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::vector<std::string> app_ids(const NetContext& ctx) {
  std::vector<std::string> ids = ctx.options.app_ids;
  for (const auto& [id, info] : ctx.apps)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  return ids;
}

// spark.metrics.namespace values in effect: --metrics-namespace, else each application's
// setting (${spark.app.name} / ${spark.app.id} expanded), else its id (Spark's default).
std::vector<std::string> metrics_namespaces(const NetContext& ctx, SourceRun& run) {
  std::vector<std::string> out;
  auto add = [&](const std::string& ns) {
    const std::string n = prometheus_servlet_name(ns);
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto& ns : ctx.options.metrics_namespaces) add(ns);
  if (!out.empty()) return out;
  for (const auto& id : app_ids(ctx)) {
    auto it = ctx.apps.find(id);
    if (it == ctx.apps.end() || !it->second.metrics_namespace) {
      add(id);
      continue;
    }
    std::string ns = replace_all(*it->second.metrics_namespace, "${spark.app.name}", it->second.name);
    ns = replace_all(ns, "${spark.app.id}", id);
    if (ns.find("${") != std::string::npos) {
      run.note("spark.metrics.namespace of " + id + " refers to another setting; give --metrics-namespace");
      continue;
    }
    add(ns);
  }
  return out;
}

}  // namespace

std::string prometheus_servlet_name(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  return out;
}

const std::vector<NamedQuery>& default_prometheus_queries() {
  static const std::vector<NamedQuery> q = make_defaults();
  return q;
}

std::optional<TimeRange> collection_window(const NetContext& ctx, std::string* why) {
  const Options& o = ctx.options;
  TimeRange r;
  const int64_t now = now_epoch_seconds();
  int64_t app_start = 0, app_end = 0;
  bool running = false;
  std::string names;
  for (const auto& [id, info] : ctx.apps) {
    if (info.start_ms <= 0) continue;
    const int64_t s = info.start_ms / 1000;
    const int64_t e = info.running || info.end_ms <= 0 ? now : (info.end_ms + 999) / 1000;
    running = running || info.running;
    app_start = app_start == 0 ? s : std::min(app_start, s);
    app_end = std::max(app_end, e);
    names += (names.empty() ? "" : ", ") + id;
  }
  if (o.since) r.start = *o.since;
  else if (app_start > 0) r.start = app_start - kWindowPadSeconds;
  if (o.until) r.end = *o.until;
  else if (app_end > 0) r.end = running ? now : app_end + kWindowPadSeconds;
  else if (o.since) r.end = now;
  if (r.start == 0 && r.end > 0) r.start = app_start > 0 ? app_start - kWindowPadSeconds : r.end - 3600;
  if (r.start == 0 || r.end == 0) {
    *why = "no time window: give --since/--until, or an application the History Server or Spark UI knows";
    return std::nullopt;
  }
  if (r.end <= r.start) r.end = r.start + 1;
  if (o.since || o.until) r.how = "--since/--until";
  else r.how = "the run of " + names + " (" + std::to_string(kWindowPadSeconds) + " s either side)";
  return r;
}

bundle::SourceRecord collect_prometheus(NetContext& ctx) {
  SourceRun run("prometheus", "prometheus-range");
  ctx.staging.caps().begin_source();
  const Options& o = ctx.options;
  if (!o.prometheus) {
    run.skip("not configured: no --prometheus given");
    return run.finish(0, o.max_source_bytes);
  }
  std::string why;
  auto window = collection_window(ctx, &why);
  if (!window) {
    run.skip(why);
    return run.finish(0, o.max_source_bytes);
  }
  std::vector<NamedQuery> queries = default_prometheus_queries();
  for (const auto& q : o.prometheus_queries) {
    auto it = std::find_if(queries.begin(), queries.end(), [&](const NamedQuery& d) { return d.name == q.name; });
    if (it != queries.end()) it->promql = q.promql;
    else queries.push_back(q);
  }
  const auto ids = app_ids(ctx);
  const auto namespaces = metrics_namespaces(ctx, run);
  const int64_t step =
      o.prometheus_step ? *o.prometheus_step : std::max<int64_t>(1, (window->end - window->start + kTargetPoints - 1) / kTargetPoints);
  run.note("window " + rfc3339(window->start) + " .. " + rfc3339(window->end) + " from " + window->how + ", step " +
           std::to_string(step) + " s");
  const std::string base = trim_base(*o.prometheus) + "/api/v1/query_range";
  for (const auto& q : queries) {
    if (q.promql.empty()) continue;  // dropped with --prometheus-query NAME=
    std::string promql = q.promql;
    if (promql.find("${app_ids}") != std::string::npos) {
      if (ids.empty()) {
        run.note("query " + q.name + " not run: no application id known");
        continue;
      }
      promql = replace_all(promql, "${app_ids}", promql_regex_alternation(ids));
    }
    if (promql.find("${metrics_namespaces}") != std::string::npos) {
      if (namespaces.empty()) {
        run.note("query " + q.name + " not run: no metrics namespace known (give --metrics-namespace)");
        continue;
      }
      promql = replace_all(promql, "${metrics_namespaces}", promql_regex_alternation(namespaces));
    }
    const std::string url = base + "?query=" + HttpClient::escape(promql) + "&start=" + std::to_string(window->start) +
                            "&end=" + std::to_string(window->end) + "&step=" + std::to_string(step);
    auto f = fetch_into(ctx, run.name(), url, "prometheus/" + q.name + ".json");
    if (!f.ok()) {
      run.error(f.error().message);
      break;  // unreachable: the other queries would fail the same way, each after its retries
    }
    if (!f->ok) {
      run.error("query " + q.name + ": " + describe_http_error(url, f->answer));
      // Refused credentials apply to every query: one message, not one per query.
      if (f->answer.status == 401 || f->answer.status == 403) {
        run.error("the other queries were not run");
        break;
      }
    } else if (f->answer.truncated) {
      run.note("prometheus/" + q.name + ".json: cut at the size caps");
    }
  }
  return run.finish(ctx.staging.files_of(run.name()), o.max_source_bytes);
}

bundle::SourceRecord collect_alertmanager(NetContext& ctx) {
  SourceRun run("alertmanager", "alertmanager-alerts");
  ctx.staging.caps().begin_source();
  const Options& o = ctx.options;
  if (!o.alertmanager) {
    run.skip("not configured: no --alertmanager given");
    return run.finish(0, o.max_source_bytes);
  }
  std::string why;
  auto window = collection_window(ctx, &why);
  // GET /api/v2/alerts with one filter=<matcher> per --alert-label (Alertmanager's own label
  // matching); the time window is applied here: an alert is kept when it was active at some
  // point of the window (startsAt <= end and endsAt >= start).
  std::string url = trim_base(*o.alertmanager) + "/api/v2/alerts";
  char sep = '?';
  for (const auto& l : o.alert_labels) {
    std::string value;
    for (char c : l.value) {
      if (c == '"' || c == '\\') value.push_back('\\');
      value.push_back(c);
    }
    url += sep + std::string("filter=") + HttpClient::escape(l.name + "=\"" + value + "\"");
    sep = '&';
  }
  auto a = ctx.http.get(url, std::min<uint64_t>(kMaxAlertsBytes, ctx.staging.caps().available()));
  if (!a.ok()) {
    run.error(a.error().message);
    return run.finish(0, o.max_source_bytes);
  }
  if (a->status < 200 || a->status >= 300) {
    run.error(describe_http_error(url, *a));
    return run.finish(0, o.max_source_bytes);
  }
  if (a->truncated) {
    // Cut at the caps: kept as it came (not filtered by the window), recorded as truncated.
    run.note("alertmanager/alerts.json: cut at the size caps; not filtered by the window");
    if (auto st = stage_bytes(ctx, run.name(), "alertmanager/alerts.json", a->body, HttpClient::display_url(url)); !st.ok())
      run.error(st.error().message);
    else ctx.staging.files().back().note.truncated = true;
    return run.finish(ctx.staging.files_of(run.name()), o.max_source_bytes);
  }
  simdjson::dom::parser p;
  simdjson::dom::array alerts;
  if (p.parse(simdjson::padded_string(a->body)).get_array().get(alerts)) {
    run.error("GET " + HttpClient::display_url(url) + ": not a JSON array of alerts");
    return run.finish(0, o.max_source_bytes);
  }
  std::string kept;
  size_t total = 0, in_window = 0, other_apps = 0;
  for (simdjson::dom::element alert : alerts) {
    ++total;
    // An alert labelled with ANOTHER application (id, or name when no id is known) belongs to
    // that application's bundle; alerts about the node, the cluster or no app are kept.
    if (!o.app_ids.empty() || o.app_name) {
      bool other = false;
      for (auto key : alert_app_id_labels()) {
        std::string_view v;
        if (!o.app_ids.empty() && !alert["labels"][key].get_string().get(v))
          other = other || std::find(o.app_ids.begin(), o.app_ids.end(), v) == o.app_ids.end();
      }
      for (auto key : alert_app_name_labels()) {
        std::string_view v;
        if (o.app_ids.empty() && o.app_name && !alert["labels"][key].get_string().get(v)) other = other || v != *o.app_name;
      }
      if (other) {
        ++other_apps;
        continue;
      }
    }
    if (window) {
      std::string_view s, e;
      std::optional<int64_t> starts, ends;
      if (!alert["startsAt"].get_string().get(s)) starts = parse_time_arg(s);
      if (!alert["endsAt"].get_string().get(e)) ends = parse_time_arg(e);
      if (starts && *starts > window->end) continue;
      if (ends && *ends < window->start) continue;
    }
    ++in_window;
    kept += (kept.empty() ? "  " : ",\n  ") + simdjson::to_string(alert);
  }
  if (window) run.note(std::to_string(in_window) + " of " + std::to_string(total) + " alerts active in " +
                       rfc3339(window->start) + " .. " + rfc3339(window->end) + " (" + window->how + ")");
  else run.note("all " + std::to_string(total) + " alerts kept: " + why);
  if (other_apps) run.note(std::to_string(other_apps) + " alerts of other applications left out (their application labels)");
  const std::string doc = kept.empty() ? "[]\n" : "[\n" + kept + "\n]\n";
  if (auto st = stage_bytes(ctx, run.name(), "alertmanager/alerts.json", doc, HttpClient::display_url(url)); !st.ok())
    run.error(st.error().message);
  return run.finish(ctx.staging.files_of(run.name()), o.max_source_bytes);
}

}  // namespace sm::collect
