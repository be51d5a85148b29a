// Structured sources with simdjson's DOM API (documents are bounded by the collector's caps).
#include "analyze/structured_ingest.h"

#include <simdjson.h>

#include <cmath>


#include "analyze/log_time.h"
#include "diagnose/sql_functions.h"
#include "util/json_writer.h"

namespace sm::analyze {
namespace {

using simdjson::dom::element;

std::string str(element e, std::string_view key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return {};
  return std::string(v);
}

std::optional<int64_t> i64(element e, std::string_view key) {
  int64_t v = 0;
  if (!e[key].get_int64().get(v)) return v;
  double d = 0;
  if (!e[key].get_double().get(d)) return static_cast<int64_t>(d);
  return std::nullopt;
}

// RFC 3339 ("2026-11-23T22:04:05Z", fractions and offsets) to epoch ms.
std::optional<int64_t> rfc3339(std::string_view s) {
  if (s.size() < 19) return std::nullopt;
  auto t = parse_line_time(s);
  if (!t) return std::nullopt;
  // Offsets like +02:00: subtract to get UTC.
  size_t tz = s.find_first_of("+-", 19);
  if (tz != std::string_view::npos && tz + 6 <= s.size() && s[tz + 3] == ':') {
    int h = (s[tz + 1] - '0') * 10 + (s[tz + 2] - '0');
    int m = (s[tz + 4] - '0') * 10 + (s[tz + 5] - '0');
    int64_t off = (static_cast<int64_t>(h) * 60 + m) * 60000;
    *t += s[tz] == '+' ? -off : off;
  }
  return t;
}

std::optional<int64_t> time_field(element e, std::string_view key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return std::nullopt;
  return rfc3339(v);
}

std::string raw_json(element e) { return simdjson::minify(e); }

Result<element> parse(simdjson::dom::parser& p, std::string_view json, const std::string& display) {
  element root;
  auto err = p.parse(json.data(), json.size()).get(root);
  if (err) return Error::bad_input(display + ": not valid JSON: " + simdjson::error_message(err));
  return root;
}

// A List (items) or a single object.
std::vector<element> items_of(element root) {
  std::vector<element> out;
  simdjson::dom::array arr;
  if (!root["items"].get_array().get(arr)) {
    for (element e : arr) out.push_back(e);
  } else if (!root.get_array().get(arr)) {
    for (element e : arr) out.push_back(e);
  } else {
    out.push_back(root);
  }
  return out;
}

std::optional<int64_t> quantity_bytes(std::string_view q) {
  // Kubernetes quantities: 4Gi, 512Mi, 1G, 1000M, plain bytes.
  if (q.empty()) return std::nullopt;
  size_t i = 0;
  while (i < q.size() && (std::isdigit(static_cast<unsigned char>(q[i])) || q[i] == '.')) ++i;
  double v = std::strtod(std::string(q.substr(0, i)).c_str(), nullptr);
  std::string_view u = q.substr(i);
  double m = 1;
  if (u == "Ki") m = 1024.0;
  else if (u == "Mi") m = 1048576.0;
  else if (u == "Gi") m = 1073741824.0;
  else if (u == "Ti") m = 1099511627776.0;
  else if (u == "k") m = 1e3;
  else if (u == "M") m = 1e6;
  else if (u == "G") m = 1e9;
  else if (u == "T") m = 1e12;
  else if (!u.empty()) return std::nullopt;
  return static_cast<int64_t>(v * m);
}

std::optional<double> quantity_cpu(std::string_view q) {
  if (q.empty()) return std::nullopt;
  if (q.back() == 'm') return std::strtod(std::string(q.substr(0, q.size() - 1)).c_str(), nullptr) / 1000.0;
  return std::strtod(std::string(q).c_str(), nullptr);
}

}  // namespace

Status ingest_k8s_pods(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  auto pod_st = ctx.db.prepare(
      "INSERT INTO k8s_pod(namespace, name, uid, phase, reason, message, node, spark_app_id, spark_app_name, spark_role, "
      "spark_exec_id, created, started, deleted, qos_class, memory_limit, memory_request, cpu_limit, conditions) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)");
  auto c_st = ctx.db.prepare(
      "INSERT INTO k8s_container(pod_id, name, image, ready, restart_count, state, state_reason, state_message, "
      "exit_code, started_at, finished_at, last_state, last_reason, last_exit_code, last_finished_at, memory_limit, "
      "memory_request) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
  if (!pod_st.ok()) return pod_st.take_error();
  if (!c_st.ok()) return c_st.take_error();
  for (element pod : items_of(*root)) {
    element meta = pod["metadata"].value_unsafe(), spec = pod["spec"].value_unsafe(), status = pod["status"].value_unsafe();
    if (pod["metadata"].error()) return Error::bad_input(ctx.display + ": a pod without metadata");
    element labels;
    bool has_labels = !meta["labels"].get(labels);
    auto label = [&](std::string_view k) { return has_labels ? str(labels, k) : std::string(); };
    // Resources of the main (first) container.
    std::optional<int64_t> mem_limit, mem_request;
    std::optional<double> cpu_limit;
    std::map<std::string, std::pair<std::optional<int64_t>, std::optional<int64_t>>> container_mem;
    simdjson::dom::array containers;
    if (!spec["containers"].get_array().get(containers)) {
      bool first = true;
      for (element c : containers) {
        std::string_view v;
        std::optional<int64_t> lim, req;
        if (!c["resources"]["limits"]["memory"].get_string().get(v)) lim = quantity_bytes(v);
        if (!c["resources"]["requests"]["memory"].get_string().get(v)) req = quantity_bytes(v);
        container_mem[str(c, "name")] = {lim, req};
        if (first) {
          mem_limit = lim;
          mem_request = req;
          if (!c["resources"]["limits"]["cpu"].get_string().get(v)) cpu_limit = quantity_cpu(v);
          first = false;
        }
      }
    }
    std::string conditions = status["conditions"].error() ? "[]" : raw_json(status["conditions"].value_unsafe());
    SM_TRY(pod_st->bind(1, str(meta, "namespace")).bind(2, str(meta, "name")).bind(3, str(meta, "uid"))
               .bind(4, str(status, "phase")).bind(5, str(status, "reason")).bind(6, str(status, "message"))
               .bind(7, str(spec, "nodeName")).bind(8, label("spark-app-selector")).bind(9, label("spark-app-name"))
               .bind(10, label("spark-role")).bind(11, label("spark-exec-id"))
               .bind(12, time_field(meta, "creationTimestamp")).bind(13, time_field(status, "startTime"))
               .bind(14, time_field(meta, "deletionTimestamp")).bind(15, str(status, "qosClass"))
               .bind(16, mem_limit).bind(17, mem_request).bind(18, cpu_limit).bind(19, conditions).exec());
    int64_t pod_id = ctx.db.last_insert_rowid();
    for (std::string_view list : {"initContainerStatuses", "containerStatuses"}) {
      simdjson::dom::array statuses;
      if (status[list].get_array().get(statuses)) continue;
      for (element cs : statuses) {
        std::string state_name, reason, message;
        std::optional<int64_t> exit_code, started, finished;
        element st_obj;
        if (!cs["state"].get(st_obj)) {
          for (std::string_view sname : {"waiting", "running", "terminated"}) {
            element s;
            if (st_obj[sname].get(s)) continue;
            state_name = std::string(sname);
            reason = str(s, "reason");
            message = str(s, "message");
            exit_code = i64(s, "exitCode");
            started = time_field(s, "startedAt");
            finished = time_field(s, "finishedAt");
          }
        }
        std::string last_name, last_reason;
        std::optional<int64_t> last_exit, last_finished;
        element ls;
        if (!cs["lastState"].get(ls)) {
          for (std::string_view sname : {"waiting", "running", "terminated"}) {
            element s;
            if (ls[sname].get(s)) continue;
            last_name = std::string(sname);
            last_reason = str(s, "reason");
            last_exit = i64(s, "exitCode");
            last_finished = time_field(s, "finishedAt");
          }
        }
        bool ready = false;
        if (cs["ready"].get_bool().get(ready)) ready = false;
        std::string cname = str(cs, "name");
        auto mem = container_mem[cname];
        SM_TRY(c_st->bind(1, pod_id).bind(2, cname).bind(3, str(cs, "image")).bind(4, ready)
                   .bind(5, i64(cs, "restartCount")).bind(6, state_name).bind(7, reason).bind(8, message)
                   .bind(9, exit_code).bind(10, started).bind(11, finished).bind(12, last_name).bind(13, last_reason)
                   .bind(14, last_exit).bind(15, last_finished).bind(16, mem.first).bind(17, mem.second).exec());
        // Container statuses are text the signatures look at too (OOMKilled, CrashLoopBackOff...).
        std::string text = reason + (message.empty() ? "" : ": " + message);
        if (!last_reason.empty()) text += "\nlast state " + last_name + ": " + last_reason;
        if (!text.empty())
          SM_TRY(ctx.logs.scan_text(text, catalog::kK8sStatus, "k8s_pod#" + std::to_string(pod_id), std::nullopt,
                                    finished ? finished : last_finished));
      }
    }
    std::string pod_text = str(status, "reason") + ": " + str(status, "message");
    if (pod_text.size() > 2)
      SM_TRY(ctx.logs.scan_text(pod_text, catalog::kK8sStatus, "k8s_pod#" + std::to_string(pod_id), std::nullopt, std::nullopt));
  }
  return ok_status();
}

Status ingest_k8s_events(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  auto st = ctx.db.prepare(
      "INSERT INTO k8s_event(namespace, object_kind, object_name, reason, message, type, count, first_ts, last_ts, source) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!st.ok()) return st.take_error();
  for (element ev : items_of(*root)) {
    element meta, obj;
    bool has_meta = !ev["metadata"].get(meta);
    // core/v1 uses involvedObject/message/count/firstTimestamp; events.k8s.io/v1 uses
    // regarding/note/series/eventTime.
    bool has_obj = !ev["involvedObject"].get(obj) || !ev["regarding"].get(obj);
    std::string message = str(ev, "message");
    if (message.empty()) message = str(ev, "note");
    std::optional<int64_t> count = i64(ev, "count");
    if (!count) {
      element series;
      if (!ev["series"].get(series)) count = i64(series, "count");
    }
    std::optional<int64_t> first = time_field(ev, "firstTimestamp");
    if (!first) first = time_field(ev, "eventTime");
    std::optional<int64_t> last = time_field(ev, "lastTimestamp");
    if (!last) last = first;
    std::string source;
    element src;
    if (!ev["source"].get(src)) source = str(src, "component");
    if (source.empty()) source = str(ev, "reportingController");
    std::string reason = str(ev, "reason");
    SM_TRY(st->bind(1, has_meta ? str(meta, "namespace") : std::string()).bind(2, has_obj ? str(obj, "kind") : std::string())
               .bind(3, has_obj ? str(obj, "name") : std::string()).bind(4, reason).bind(5, message)
               .bind(6, str(ev, "type")).bind(7, count).bind(8, first).bind(9, last).bind(10, source).exec());
    int64_t id = ctx.db.last_insert_rowid();
    SM_TRY(ctx.logs.scan_text(reason + ": " + message, catalog::kK8sEvent, "k8s_event#" + std::to_string(id), std::nullopt,
                              first));
  }
  return ok_status();
}

Status ingest_k8s_sparkapplications(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  auto st = ctx.db.prepare(
      "INSERT INTO k8s_sparkapplication(namespace, name, app_id, state, error_message, submission_attempts, "
      "execution_attempts, last_submission, termination_time, driver_pod, executor_states, restart_policy, spec) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
  if (!st.ok()) return st.take_error();
  for (element app : items_of(*root)) {
    element meta = app["metadata"].value_unsafe();
    element status, state, driver, spec, rp;
    bool has_status = !app["status"].get(status);
    bool has_state = has_status && !status["applicationState"].get(state);
    bool has_driver = has_status && !status["driverInfo"].get(driver);
    bool has_spec = !app["spec"].get(spec);
    std::string restart = has_spec && !spec["restartPolicy"].get(rp) ? str(rp, "type") : std::string();
    std::string executors = has_status && !status["executorState"].error() ? raw_json(status["executorState"].value_unsafe()) : "{}";
    SM_TRY(st->bind(1, str(meta, "namespace")).bind(2, str(meta, "name"))
               .bind(3, has_status ? str(status, "sparkApplicationId") : std::string())
               .bind(4, has_state ? str(state, "state") : std::string())
               .bind(5, has_state ? str(state, "errorMessage") : std::string())
               .bind(6, has_status ? i64(status, "submissionAttempts") : std::nullopt)
               .bind(7, has_status ? i64(status, "executionAttempts") : std::nullopt)
               .bind(8, has_status ? time_field(status, "lastSubmissionAttemptTime") : std::nullopt)
               .bind(9, has_status ? time_field(status, "terminationTime") : std::nullopt)
               .bind(10, has_driver ? str(driver, "podName") : std::string()).bind(11, executors).bind(12, restart)
               .bind(13, has_spec ? raw_json(spec) : std::string("{}")).exec());
    int64_t id = ctx.db.last_insert_rowid();
    if (has_state) {
      std::string text = str(state, "state") + ": " + str(state, "errorMessage");
      SM_TRY(ctx.logs.scan_text(text, catalog::kK8sStatus, "k8s_sparkapplication#" + std::to_string(id), std::nullopt,
                                has_status ? time_field(status, "terminationTime") : std::nullopt));
    }
  }
  return ok_status();
}

Status ingest_k8s_nodes(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  auto st = ctx.db.prepare(
      "INSERT INTO k8s_node(name, conditions, allocatable_memory, allocatable_cpu, taints) VALUES (?1,?2,?3,?4,?5)");
  if (!st.ok()) return st.take_error();
  for (element node : items_of(*root)) {
    element status, alloc, spec;
    bool has_status = !node["status"].get(status);
    std::optional<int64_t> mem;
    std::optional<double> cpu;
    std::string_view v;
    if (has_status && !status["allocatable"].get(alloc)) {
      if (!alloc["memory"].get_string().get(v)) mem = quantity_bytes(v);
      if (!alloc["cpu"].get_string().get(v)) cpu = quantity_cpu(v);
    }
    std::string taints = !node["spec"].get(spec) && !spec["taints"].error() ? raw_json(spec["taints"].value_unsafe()) : "[]";
    SM_TRY(st->bind(1, str(node["metadata"].value_unsafe(), "name"))
               .bind(2, has_status && !status["conditions"].error() ? raw_json(status["conditions"].value_unsafe()) : std::string("[]"))
               .bind(3, mem).bind(4, cpu).bind(5, taints).exec());
  }
  return ok_status();
}

Status ingest_prometheus(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  std::string status = str(*root, "status");
  if (!status.empty() && status != "success")
    return Error::bad_input(ctx.display + ": Prometheus answered status '" + status + "': " + str(*root, "error"));
  simdjson::dom::array result;
  if ((*root)["data"]["result"].get_array().get(result))
    return Error::bad_input(ctx.display + ": data.result: expected an array (a query_range answer)");
  std::string query = ctx.path.substr(ctx.path.rfind('/') + 1);
  if (query.size() > 5 && query.substr(query.size() - 5) == ".json") query.resize(query.size() - 5);
  auto ser = ctx.db.prepare("INSERT INTO metric_series(query, metric, labels, executor_id, pod) VALUES (?1,?2,?3,?4,?5)");
  auto smp = ctx.db.prepare("INSERT INTO metric_sample(series_id, ts, value) VALUES (?1,?2,?3)");
  if (!ser.ok()) return ser.take_error();
  if (!smp.ok()) return smp.take_error();
  for (element s : result) {
    element metric;
    if (s["metric"].get(metric)) return Error::bad_input(ctx.display + ": data.result[].metric missing");
    std::string exec = str(metric, "executor_id");
    if (exec.empty()) exec = str(metric, "spark_exec_id");
    SM_TRY(ser->bind(1, query).bind(2, str(metric, "__name__")).bind(3, raw_json(metric))
               .bind(4, exec.empty() ? std::optional<std::string>() : exec)
               .bind(5, str(metric, "pod").empty() ? std::optional<std::string>() : str(metric, "pod")).exec());
    int64_t id = ctx.db.last_insert_rowid();
    simdjson::dom::array values;
    if (s["values"].get_array().get(values)) {
      // An instant query: "value": [ts, "v"].
      simdjson::dom::array one;
      if (s["value"].get_array().get(one)) continue;
      values = one;
      double ts = 0;
      std::string_view v;
      auto it = one.begin();
      if ((*it).get_double().get(ts)) continue;
      ++it;
      if ((*it).get_string().get(v)) continue;
      SM_TRY(smp->bind(1, id).bind(2, static_cast<int64_t>(ts * 1000)).bind(3, std::strtod(std::string(v).c_str(), nullptr)).exec());
      continue;
    }
    for (element pair : values) {
      simdjson::dom::array a;
      if (pair.get_array().get(a) || a.size() != 2) continue;
      double ts = 0;
      std::string_view v;
      if (a.at(0).get_double().get(ts) || a.at(1).get_string().get(v)) continue;
      double val = std::strtod(std::string(v).c_str(), nullptr);
      // Prometheus timestamps are seconds; anything outside int64 milliseconds is a corrupt sample.
      if (!std::isfinite(ts) || std::fabs(ts) > 9.0e15) continue;
      SM_TRY(smp->bind(1, id).bind(2, static_cast<int64_t>(std::llround(ts * 1000))).bind(3, val).exec());
    }
  }
  return ok_status();
}

Status ingest_alertmanager(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  simdjson::dom::array alerts;
  // /api/v2/alerts is an array; a webhook payload (version 4) has "alerts".
  if (root->get_array().get(alerts) && (*root)["alerts"].get_array().get(alerts))
    return Error::bad_input(ctx.display + ": expected an array of alerts or a webhook payload with \"alerts\"");
  auto st = ctx.db.prepare(
      "INSERT INTO alert(alertname, state, severity, starts_at, ends_at, labels, annotations, runbook_url, fingerprint) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  if (!st.ok()) return st.take_error();
  for (element a : alerts) {
    element labels, ann, status;
    bool has_labels = !a["labels"].get(labels), has_ann = !a["annotations"].get(ann);
    std::string state = str(a, "status");  // webhook: firing|resolved
    if (!a["status"].get(status) && status.is_object()) state = str(status, "state");
    std::string name = has_labels ? str(labels, "alertname") : std::string();
    SM_TRY(st->bind(1, name).bind(2, state).bind(3, has_labels ? str(labels, "severity") : std::string())
               .bind(4, time_field(a, "startsAt")).bind(5, time_field(a, "endsAt"))
               .bind(6, has_labels ? raw_json(labels) : std::string("{}")).bind(7, has_ann ? raw_json(ann) : std::string("{}"))
               .bind(8, has_ann ? str(ann, "runbook_url") : std::string()).bind(9, str(a, "fingerprint")).exec());
    int64_t id = ctx.db.last_insert_rowid();
    std::string text = name;
    if (has_ann) text += ": " + str(ann, "summary") + " " + str(ann, "description");
    SM_TRY(ctx.logs.scan_text(text, catalog::kAlert, "alert#" + std::to_string(id), std::nullopt, time_field(a, "startsAt")));
  }
  return ok_status();
}

Status ingest_loki(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  simdjson::dom::array result;
  if ((*root)["data"]["result"].get_array().get(result))
    return Error::bad_input(ctx.display + ": data.result: expected an array (a query_range answer)");
  size_t stream_no = 0;
  for (element s : result) {
    element labels;
    bool has = !s["stream"].get(labels);
    std::string container = has ? str(labels, "container") : std::string();
    std::string pod = has ? str(labels, "pod") : std::string();
    std::string role = has ? str(labels, "spark_role") : std::string();
    catalog::Stream stream = catalog::kOtherLog;
    if (role == "driver" || container == "spark-kubernetes-driver" || pod.find("-driver") != std::string::npos)
      stream = catalog::kDriverLog;
    else if (role == "executor" || container == "spark-kubernetes-executor" || pod.find("-exec-") != std::string::npos)
      stream = catalog::kExecutorLog;
    simdjson::dom::array values;
    if (s["values"].get_array().get(values)) continue;
    size_t line_no = 0;
    for (element v : values) {
      simdjson::dom::array pair;
      std::string_view ts_ns, line;
      if (v.get_array().get(pair) || pair.size() < 2 || pair.at(0).get_string().get(ts_ns) || pair.at(1).get_string().get(line))
        continue;
      ++line_no;
      int64_t ts = std::strtoll(std::string(ts_ns).c_str(), nullptr, 10) / 1'000'000;
      SM_TRY(ctx.logs.scan_text(line, stream, ctx.path + "#stream" + std::to_string(stream_no) + ":" + std::to_string(line_no),
                                std::nullopt, ts));
    }
    ++stream_no;
  }
  return ok_status();
}

Status ingest_jaeger(StructuredContext& ctx, std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json, ctx.display);
  if (!root.ok()) return root.take_error();
  simdjson::dom::array traces;
  if ((*root)["data"].get_array().get(traces)) return Error::bad_input(ctx.display + ": data: expected an array of traces");
  auto st = ctx.db.prepare(
      "INSERT INTO span(trace_id, span_id, parent_id, service, operation, start_ms, duration_ms, error, status, attributes) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!st.ok()) return st.take_error();
  for (element t : traces) {
    element processes;
    bool has_proc = !t["processes"].get(processes);
    simdjson::dom::array spans;
    if (t["spans"].get_array().get(spans)) continue;
    for (element s : spans) {
      std::string parent;
      simdjson::dom::array refs;
      if (!s["references"].get_array().get(refs))
        for (element r : refs)
          if (str(r, "refType") == "CHILD_OF") parent = str(r, "spanID");
      std::string service;
      std::string pid = str(s, "processID");
      element proc;
      if (has_proc && !processes[pid].get(proc)) service = str(proc, "serviceName");
      bool error = false;
      std::string status;
      simdjson::dom::array tags;
      if (!s["tags"].get_array().get(tags))
        for (element tag : tags) {
          std::string key = str(tag, "key");
          bool b = false;
          if (key == "error" && !tag["value"].get_bool().get(b)) error = b;
          if (key == "otel.status_code") status = str(tag, "value");
        }
      auto start_us = i64(s, "startTime").value_or(0);
      auto dur_us = i64(s, "duration").value_or(0);
      SM_TRY(st->bind(1, str(s, "traceID")).bind(2, str(s, "spanID")).bind(3, parent).bind(4, service)
                 .bind(5, str(s, "operationName")).bind(6, start_us / 1000).bind(7, static_cast<double>(dur_us) / 1000.0)
                 .bind(8, error || status == "ERROR").bind(9, status)
                 .bind(10, s["tags"].error() ? std::string("[]") : raw_json(s["tags"].value_unsafe())).exec());
    }
  }
  return ok_status();
}

}  // namespace sm::analyze
