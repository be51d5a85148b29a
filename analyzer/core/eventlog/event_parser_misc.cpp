// Executor metrics, exclusion and SQL execution events.
#include "eventlog/event_parser_impl.h"

namespace sm::eventlog {

using json::od::object;
using json::od::value;

#define SM_FIELD(fld, f)                            \
  json::od::field fld;                              \
  if (std::move(f).get(fld)) return fail("truncated object")

bool EventParser::Impl::on_stage_executor_metrics(object obj) {
  std::string_view exec_id;
  int32_t stage_id = 0, attempt_id = 0;
  ExecutorMetricPeaks peaks;
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Executor ID")) {
      if (!json::get_str(v, exec_id)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "Stage ID")) {
      if (!json::get_i32(v, stage_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Stage Attempt ID")) {
      if (!json::get_i32(v, attempt_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Executor Metrics")) {
      object m;
      if (v.get_object().get(m)) return fail(field_error(k, "expected an object"));
      if (!parse_executor_metrics(m, peaks)) return false;
    }
  }
  builder.on_stage_executor_metrics(stage_id, attempt_id, exec_id, peaks);
  return true;
}

bool EventParser::Impl::on_executor_metrics_update(object obj) {
  std::string_view exec_id;
  struct Update {
    int32_t stage_id = 0, attempt_id = 0;
    ExecutorMetricPeaks peaks;
  };
  std::vector<Update> updates;
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Executor ID")) {
      if (!json::get_str(v, exec_id)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "Executor Metrics Updated")) {
      json::od::array arr;
      if (v.get_array().get(arr)) continue;
      for (auto item : arr) {
        object u;
        if (item.get_object().get(u)) return fail(field_error(k, "expected objects"));
        Update up;
        for (auto g : u) {
          SM_FIELD(gf, g);
          std::string_view gk = json::raw_key(gf);
          if (json::key_eq(gk, "Stage ID")) json::get_i32(gf.value(), up.stage_id);
          else if (json::key_eq(gk, "Stage Attempt ID")) json::get_i32(gf.value(), up.attempt_id);
          else if (json::key_eq(gk, "Executor Metrics")) {
            object m;
            if (gf.value().get_object().get(m)) continue;
            if (!parse_executor_metrics(m, up.peaks)) return false;
          }
        }
        updates.push_back(up);
      }
    }
  }
  for (const auto& u : updates) builder.on_executor_metrics_update(exec_id, u.stage_id, u.attempt_id, u.peaks);
  return true;
}

bool EventParser::Impl::on_exclusion(std::string_view kind, object obj) {
  // Serialised by Jackson from the case classes: camelCase field names.
  ExclusionEvent e;
  e.kind = std::string(kind);
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    std::string_view s;
    int32_t n = 0;
    if (json::key_eq(k, "time")) {
      if (!json::get_i64(v, e.time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "executorId")) {
      if (json::get_str(v, s)) e.executor_id = std::string(s);
    } else if (json::key_eq(k, "hostId")) {
      if (json::get_str(v, s)) e.host = std::string(s);
    } else if (json::key_eq(k, "stageId")) {
      if (json::get_i32(v, n)) e.stage_id = n;
    } else if (json::key_eq(k, "stageAttemptId")) {
      if (json::get_i32(v, n)) e.stage_attempt_id = n;
    } else if (json::key_eq(k, "taskFailures") || json::key_eq(k, "executorFailures")) {
      if (json::get_i32(v, n)) e.task_failures = n;
    }
  }
  builder.on_exclusion(e);
  return true;
}

bool EventParser::Impl::on_sql_start(object obj) {
  int64_t id = -1;
  std::optional<int64_t> root, time;
  std::string_view description;
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "executionId")) {
      if (!json::get_i64(v, id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "rootExecutionId")) {
      if (!json::get_opt_i64(v, root)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "description")) {
      if (!json::get_str(v, description)) return fail(field_error(k, "expected a string"));
    } else if (json::key_eq(k, "time")) {
      if (!json::get_opt_i64(v, time)) return fail(field_error(k, "expected a number"));
    }
    // physicalPlanDescription and sparkPlanInfo (often megabytes) are skipped unread.
  }
  if (id < 0) return fail("executionId missing");
  builder.on_sql_execution_start(id, root, description, time);
  return true;
}

bool EventParser::Impl::on_sql_end(object obj) {
  int64_t id = -1;
  std::optional<int64_t> time;
  std::optional<std::string_view> error_message;
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "executionId")) {
      if (!json::get_i64(v, id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "time")) {
      if (!json::get_opt_i64(v, time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "errorMessage")) {
      std::string_view s;
      if (!json::get_str(v, s)) return fail(field_error(k, "expected a string"));
      if (!s.empty()) error_message = s;
    }
  }
  if (id < 0) return fail("executionId missing");
  builder.on_sql_execution_end(id, time, error_message);
  return true;
}

}  // namespace sm::eventlog
