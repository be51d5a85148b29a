// Event dispatch and the non-task events. Task events are in event_parser_tasks.cpp.
#include <cstring>

#include "eventlog/event_parser_impl.h"

namespace sm::eventlog {

using json::od::object;
using json::od::value;

std::string field_error(std::string_view where, std::string_view what) {
  return std::string(where) + ": " + std::string(what);
}

namespace {

// Events the engine does not interpret but that Spark itself writes: counted as known.
constexpr std::string_view kKnownCountedEvents[] = {
    "SparkListenerTaskGettingResult", "SparkListenerBlockManagerRemoved", "SparkListenerUnpersistRDD",
    "SparkListenerBlockUpdated", "SparkListenerSpeculativeTaskSubmitted",
    "SparkListenerUnschedulableTaskSetAdded", "SparkListenerUnschedulableTaskSetRemoved",
    "SparkListenerMiscellaneousProcessAdded", "SparkListenerExecutorDecommissioned",
    "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate",
    "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveSQLMetricUpdates",
    "org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates",
    "org.apache.spark.sql.execution.ui.SparkListenerEffectiveSQLConf",
    "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStartDeprecated",
    "org.apache.spark.sql.streaming.StreamingQueryListener$QueryStartedEvent",
    "org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent",
    "org.apache.spark.sql.streaming.StreamingQueryListener$QueryTerminatedEvent",
    "org.apache.spark.sql.streaming.StreamingQueryListener$QueryIdleEvent",
    "org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerSessionCreated",
    "org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerSessionClosed",
    "org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart",
    "org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationClosed",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationStarted",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationAnalyzed",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationReadyForExecution",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationFinished",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationFailed",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationCanceled",
    "org.apache.spark.sql.connect.service.SparkListenerConnectOperationClosed",
    "org.apache.spark.sql.connect.service.SparkListenerConnectSessionStarted",
    "org.apache.spark.sql.connect.service.SparkListenerConnectSessionClosed",
};

// Strips "org.apache.spark.scheduler." so both spellings of the exclusion events match.
std::string_view short_scheduler_name(std::string_view name) {
  constexpr std::string_view kPrefix = "org.apache.spark.scheduler.";
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  return name;
}

// The exclusion events and our kind names (Blacklisted spellings are Spark < 3.1).
struct ExclusionName {
  std::string_view event;
  std::string_view kind;
};
constexpr ExclusionName kExclusionEvents[] = {
    {"SparkListenerExecutorExcluded", "executor_excluded"},
    {"SparkListenerExecutorBlacklisted", "executor_excluded"},
    {"SparkListenerExecutorExcludedForStage", "executor_excluded_for_stage"},
    {"SparkListenerExecutorBlacklistedForStage", "executor_excluded_for_stage"},
    {"SparkListenerExecutorUnexcluded", "executor_unexcluded"},
    {"SparkListenerExecutorUnblacklisted", "executor_unexcluded"},
    {"SparkListenerNodeExcluded", "node_excluded"},
    {"SparkListenerNodeBlacklisted", "node_excluded"},
    {"SparkListenerNodeExcludedForStage", "node_excluded_for_stage"},
    {"SparkListenerNodeBlacklistedForStage", "node_excluded_for_stage"},
    {"SparkListenerNodeUnexcluded", "node_unexcluded"},
    {"SparkListenerNodeUnblacklisted", "node_unexcluded"},
};

// If the line starts with {"Event":"<name>", returns <name> without touching simdjson.
std::string_view sniff_event_name(std::string_view line) {
  constexpr std::string_view kPrefix = "{\"Event\":\"";
  if (line.substr(0, kPrefix.size()) != kPrefix) return {};
  size_t end = line.find('"', kPrefix.size());
  if (end == std::string_view::npos) return {};
  std::string_view name = line.substr(kPrefix.size(), end - kPrefix.size());
  if (name.find('\\') != std::string_view::npos) return {};
  return name;
}

}  // namespace

EventParser::EventParser(AppStateBuilder& builder) : impl_(std::make_unique<Impl>(builder)) {}
EventParser::~EventParser() = default;

void EventParser::apply(const TaskStartEvent& e) { impl_->fast.apply(e); }
void EventParser::apply(const TaskEndEvent& e) { impl_->fast.apply(e); }

LineResult EventParser::parse_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
  if (lead == line.size()) return {LineOutcome::blank, {}};

  Impl& p = *impl_;
  if (lead == 0 && p.fast.try_parse(line)) return {LineOutcome::event, {}};
  p.error.clear();
  {
    // Only an object can be an event. Other JSON values are "not an event"; text that cannot
    // start a JSON value at all is malformed.
    char c = line[lead];
    std::string_view rest = line.substr(lead);
    if (c != '{') {
      bool json_value = c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || rest == "true" ||
                        rest == "false" || rest == "null";
      if (json_value) return {LineOutcome::not_an_event, "a JSON value that is not an object"};
      return {LineOutcome::malformed, "not valid JSON (does not start with '{')"};
    }
  }
  json::od::document doc;
  auto err = p.parser.iterate(line.data(), line.size(), line.size() + kLinePadding).get(doc);
  if (err) return {LineOutcome::malformed, std::string("not valid JSON: ") + simdjson::error_message(err)};
  object obj;
  json::od::json_type t;
  if (doc.type().get(t) || t != json::od::json_type::object) {
    return {LineOutcome::not_an_event, "a JSON value that is not an object"};
  }
  if (doc.get_object().get(obj)) return {LineOutcome::malformed, "not a JSON object"};

  std::string_view name = sniff_event_name(line.substr(lead));
  if (name.empty()) {
    // "Event" is not the first key: find it anywhere, then rewind.
    value ev;
    auto e = obj.find_field_unordered("Event").get(ev);
    if (e == simdjson::NO_SUCH_FIELD) return {LineOutcome::not_an_event, "a JSON object without an \"Event\" field"};
    if (e || !json::get_str(ev, name)) return {LineOutcome::malformed, "\"Event\" is not a string"};
    if (obj.reset().error()) return {LineOutcome::malformed, "cannot rewind the object"};
  }
  LineResult r = p.dispatch(name, obj);
  return r;
}

LineResult EventParser::Impl::dispatch(std::string_view name, object obj) {
  bool ok = true;
  bool known = true;
  bool counted_only = false;
  if (json::key_eq(name, "SparkListenerTaskEnd")) ok = on_task_end(obj);
  else if (json::key_eq(name, "SparkListenerTaskStart")) ok = on_task_start(obj);
  else if (json::key_eq(name, "SparkListenerStageCompleted")) ok = on_stage_completed(obj);
  else if (json::key_eq(name, "SparkListenerStageSubmitted")) ok = on_stage_submitted(obj);
  else if (json::key_eq(name, "SparkListenerJobStart")) ok = on_job_start(obj);
  else if (json::key_eq(name, "SparkListenerJobEnd")) ok = on_job_end(obj);
  else if (json::key_eq(name, "SparkListenerExecutorAdded")) ok = on_executor_added(obj);
  else if (json::key_eq(name, "SparkListenerExecutorRemoved")) ok = on_executor_removed(obj);
  else if (json::key_eq(name, "SparkListenerBlockManagerAdded")) ok = on_block_manager_added(obj);
  else if (json::key_eq(name, "SparkListenerStageExecutorMetrics")) ok = on_stage_executor_metrics(obj);
  else if (json::key_eq(name, "SparkListenerExecutorMetricsUpdate")) ok = on_executor_metrics_update(obj);
  else if (json::key_eq(name, "SparkListenerApplicationStart")) ok = on_application_start(obj);
  else if (json::key_eq(name, "SparkListenerApplicationEnd")) ok = on_application_end(obj);
  else if (json::key_eq(name, "SparkListenerEnvironmentUpdate")) ok = on_environment_update(obj);
  else if (json::key_eq(name, "SparkListenerLogStart")) ok = on_log_start(obj);
  else if (json::key_eq(name, "SparkListenerResourceProfileAdded")) ok = on_resource_profile_added(obj);
  else if (json::key_eq(name, "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart")) ok = on_sql_start(obj);
  else if (json::key_eq(name, "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd")) ok = on_sql_end(obj);
  else {
    std::string_view shortname = short_scheduler_name(name);
    const ExclusionName* excl = nullptr;
    for (const auto& x : kExclusionEvents)
      if (x.event == shortname) excl = &x;
    if (excl) {
      ok = on_exclusion(excl->kind, obj);
    } else {
      counted_only = true;
      known = false;
      for (std::string_view k : kKnownCountedEvents)
        if (k == name || k == shortname) known = true;
    }
  }
  if (ok) builder.count_event(name, known);
  if (!ok) return {LineOutcome::malformed, name.empty() ? error : std::string(name) + ": " + error};
  return {counted_only ? LineOutcome::counted : LineOutcome::event, {}};
}

// ---- application and environment --------------------------------------------------------

bool EventParser::Impl::on_log_start(object obj) {
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    if (json::key_eq(json::raw_key(fld), "Spark Version")) {
      std::string_view v;
      if (!json::get_str(fld.value(), v)) return fail(field_error("Spark Version", "expected a string"));
      builder.on_log_start(v);
    }
  }
  return true;
}

bool EventParser::Impl::parse_string_map(object obj, std::vector<std::pair<std::string_view, std::string_view>>& out) {
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld), v;
    json::od::json_type t;
    if (fld.value().type().get(t)) return fail("truncated value");
    if (t == json::od::json_type::string || t == json::od::json_type::null) {
      if (!json::get_str(fld.value(), v)) return fail(field_error(k, "expected a string"));
      out.emplace_back(k, v);
    }
  }
  return true;
}

bool EventParser::Impl::on_application_start(object obj) {
  std::string_view app_id, name, user;
  std::optional<std::string_view> attempt;
  int64_t time = 0;
  pairs.clear();
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "App Name")) {
      if (!json::get_str(v, name)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "App ID")) {
      if (!json::get_str(v, app_id)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "Timestamp")) {
      if (!json::get_i64(v, time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "User")) {
      if (!json::get_str(v, user)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "App Attempt ID")) {
      std::string_view a;
      if (!json::get_str(v, a)) return fail(field_error(k, "expected a string"));
      if (!a.empty()) attempt = a;
    } else if (json::key_eq(k, "Driver Logs")) {
      object m;
      if (v.get_object().get(m)) return fail(field_error(k, "expected an object"));
      if (!parse_string_map(m, pairs)) return false;
    }
  }
  builder.on_application_start(app_id, attempt, name, user, time, pairs);
  return true;
}

bool EventParser::Impl::on_application_end(object obj) {
  int64_t time = 0;
  std::optional<int64_t> exit_code;
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    if (json::key_eq(k, "Timestamp")) {
      if (!json::get_i64(fld.value(), time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "ExitCode")) {
      if (!json::get_opt_i64(fld.value(), exit_code)) return fail(field_error(k, "expected a number"));
    }
  }
  builder.on_application_end(time, exit_code);
  return true;
}

bool EventParser::Impl::on_environment_update(object obj) {
  std::string_view java_version, scala_version;
  pairs.clear();
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    if (json::key_eq(k, "Spark Properties")) {
      json::od::json_type t;
      if (fld.value().type().get(t)) return fail(field_error(k, "truncated"));
      if (t == json::od::json_type::object) {
        object m;
        if (fld.value().get_object().get(m)) return fail(field_error(k, "expected an object"));
        if (!parse_string_map(m, pairs)) return false;
      } else if (t == json::od::json_type::array) {
        // Very old writers: [["key","value"], ...]
        json::od::array arr;
        if (fld.value().get_array().get(arr)) return fail(field_error(k, "expected an array"));
        for (auto item : arr) {
          json::od::array kv;
          if (item.get_array().get(kv)) continue;
          std::string_view kk, vv;
          int i = 0;
          for (auto x : kv) {
            value xv;
            if (std::move(x).get(xv)) break;
            if (i == 0) json::get_str(xv, kk);
            else if (i == 1) json::get_str(xv, vv);
            ++i;
          }
          if (!kk.empty()) pairs.emplace_back(kk, vv);
        }
      }
    } else if (json::key_eq(k, "JVM Information")) {
      object m;
      if (fld.value().get_object().get(m)) return fail(field_error(k, "expected an object"));
      for (auto g : m) {
        json::od::field gf;
        if (std::move(g).get(gf)) return fail("truncated object");
        std::string_view gk = json::raw_key(gf);
        if (json::key_eq(gk, "Java Version")) json::get_str(gf.value(), java_version);
        else if (json::key_eq(gk, "Scala Version")) json::get_str(gf.value(), scala_version);
      }
    }
  }
  builder.on_environment(pairs, java_version, scala_version);
  return true;
}

bool EventParser::Impl::on_resource_profile_added(object obj) {
  ResourceProfileAddedEvent e;
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    if (json::key_eq(k, "Resource Profile Id")) {
      if (!json::get_i32(fld.value(), e.id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Executor Resource Requests") || json::key_eq(k, "Task Resource Requests")) {
      bool task = json::key_eq(k, "Task Resource Requests");
      object m;
      if (fld.value().get_object().get(m)) return fail(field_error(k, "expected an object"));
      for (auto g : m) {
        json::od::field gf;
        if (std::move(g).get(gf)) return fail("truncated object");
        std::string_view name = json::raw_key(gf);
        if (name != (task ? "cpus" : "cores")) continue;
        object req;
        if (gf.value().get_object().get(req)) continue;
        for (auto h : req) {
          json::od::field hf;
          if (std::move(h).get(hf)) return fail("truncated object");
          if (!json::key_eq(json::raw_key(hf), "Amount")) continue;
          double amount = 0;
          int64_t whole = 0;
          json::od::json_type t;
          if (hf.value().type().get(t) || t != json::od::json_type::number) continue;
          if (!hf.value().get_double().get(amount)) {
            if (task) e.task_cpus = amount;
            else e.executor_cores = static_cast<int64_t>(amount);
          } else if (json::get_i64(hf.value(), whole)) {
            if (task) e.task_cpus = static_cast<double>(whole);
            else e.executor_cores = whole;
          }
        }
      }
    }
  }
  builder.on_resource_profile_added(e);
  return true;
}

// ---- executors ------------------------------------------------------------------------

bool EventParser::Impl::on_executor_added(object obj) {
  ExecutorAddedEvent& e = executor_added;
  e = ExecutorAddedEvent{};
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    if (json::key_eq(k, "Timestamp")) {
      if (!json::get_i64(fld.value(), e.time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Executor ID")) {
      if (!json::get_str(fld.value(), e.executor_id)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "Executor Info")) {
      object info;
      if (fld.value().get_object().get(info)) return fail(field_error(k, "expected an object"));
      for (auto g : info) {
        json::od::field gf;
        if (std::move(g).get(gf)) return fail("truncated object");
        std::string_view gk = json::raw_key(gf);
        if (json::key_eq(gk, "Host")) {
          if (!json::get_str(gf.value(), e.host)) return fail(field_error("Executor Info.Host", "expected a string"));
        } else if (json::key_eq(gk, "Total Cores")) {
          if (!json::get_i32(gf.value(), e.total_cores)) return fail(field_error("Executor Info.Total Cores", "expected a number"));
        } else if (json::key_eq(gk, "Resource Profile Identifier")) {
          if (!json::get_i32(gf.value(), e.resource_profile_id)) return fail(field_error(gk, "expected a number"));
        } else if (json::key_eq(gk, "Log Urls")) {
          object m;
          if (gf.value().get_object().get(m)) return fail(field_error("Executor Info.Log Urls", "expected an object"));
          if (!parse_string_map(m, e.log_urls)) return false;
        }
      }
    }
  }
  builder.on_executor_added(e);
  return true;
}

bool EventParser::Impl::on_executor_removed(object obj) {
  int64_t time = 0;
  std::string_view id, reason;
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    if (json::key_eq(k, "Timestamp")) {
      if (!json::get_i64(fld.value(), time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Executor ID")) {
      if (!json::get_str(fld.value(), id)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "Removed Reason")) {
      if (!json::get_str(fld.value(), reason)) return fail(field_error(k, "expected a string"));
    }
  }
  builder.on_executor_removed(time, id, reason);
  return true;
}

bool EventParser::Impl::on_block_manager_added(object obj) {
  BlockManagerAddedEvent e;
  for (auto f : obj) {
    json::od::field fld;
    if (std::move(f).get(fld)) return fail("truncated object");
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Block Manager ID")) {
      object bm;
      if (v.get_object().get(bm)) return fail(field_error(k, "expected an object"));
      for (auto g : bm) {
        json::od::field gf;
        if (std::move(g).get(gf)) return fail("truncated object");
        std::string_view gk = json::raw_key(gf);
        if (json::key_eq(gk, "Executor ID")) json::get_str(gf.value(), e.executor_id);
        else if (json::key_eq(gk, "Host")) json::get_str(gf.value(), e.host);
        else if (json::key_eq(gk, "Port")) json::get_i64(gf.value(), e.port);
      }
    } else if (json::key_eq(k, "Maximum Memory")) {
      if (!json::get_i64(v, e.max_mem)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Timestamp")) {
      if (!json::get_i64(v, e.time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Maximum Onheap Memory")) {
      if (!json::get_opt_i64(v, e.max_on_heap)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Maximum Offheap Memory")) {
      if (!json::get_opt_i64(v, e.max_off_heap)) return fail(field_error(k, "expected a number"));
    }
  }
  builder.on_block_manager_added(e);
  return true;
}

}  // namespace sm::eventlog
