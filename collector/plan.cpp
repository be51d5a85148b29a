#include "plan.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <tuple>

#include "bundle/manifest_builder.h"
#include "sources/local_files.h"
#include "sources/net.h"
#include "sources/observability.h"
#include "sources/worker_dirs.h"
#include "time_util.h"

namespace sm::collect {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

PlannedSource make_source(std::string name, std::string kind, std::string dir, bool requested, std::string why_not) {
  PlannedSource s;
  s.name = std::move(name);
  s.kind = std::move(kind);
  s.dirs.push_back(std::move(dir));
  s.requested = requested;
  s.not_requested_reason = std::move(why_not);
  return s;
}

std::string cap_text(const std::optional<uint64_t>& cap) { return cap ? human_bytes(*cap) : "no cap"; }

}  // namespace

std::string PlannedSource::skip_reason() const {
  if (!requested) return not_requested_reason;
  if (!notes.empty()) return join(notes, "; ");
  return "nothing selected";
}

std::string PlannedSource::error_text() const { return join(errors, "; "); }

std::string PlannedSource::claim_root(const std::string& top, const std::string& leaf) {
  std::string candidate = top + "/" + leaf;
  for (unsigned n = 2; roots.count(candidate) != 0; ++n) candidate = top + "/dup-" + std::to_string(n) + "/" + leaf;
  roots.insert(candidate);
  return candidate;
}

void PlannedSource::add_file(const std::string& origin, std::string bundle_path, uint64_t size) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(origin, ec);
  const std::string key = ec ? origin : canon.string();
  if (!origins.insert(key).second) return;  // the same file named twice (path and glob, say)
  fs::path abs = fs::absolute(origin, ec);
  PlannedFile f;
  f.origin = ec ? origin : abs.lexically_normal().string();
  f.content_type = bundle::guess_content_type(bundle_path);
  f.bundle_path = std::move(bundle_path);
  f.size = size;
  files.push_back(std::move(f));
}

Plan build_plan(const Options& o) {
  Plan plan;
  PlannedSource events = make_source("eventlogs", "local-eventlog", "eventlogs", !o.eventlogs.empty(), "no --eventlog given");
  for (const auto& spec : o.eventlogs) select_event_logs(spec, o, events);
  plan.sources.push_back(std::move(events));

  PlannedSource driver = make_source("driver-logs", "local-log", "logs/driver", !o.driver_logs.empty(), "no --driver-log given");
  for (const auto& spec : o.driver_logs) select_logs(spec, "logs/driver", o, driver);
  plan.sources.push_back(std::move(driver));

  PlannedSource executors =
      make_source("executor-logs", "local-log", "logs/executors", !o.executor_logs.empty(), "no --executor-log given");
  for (const auto& spec : o.executor_logs)
    select_logs(spec.pattern, "logs/executors/" + spec.executor_id, o, executors);
  plan.sources.push_back(std::move(executors));

  PlannedSource other = make_source("other-logs", "local-log", "logs/other", !o.other_logs.empty(), "no --log given");
  for (const auto& spec : o.other_logs) select_logs(spec, "logs/other", o, other);
  plan.sources.push_back(std::move(other));

  // Worker directories hold executor logs (and, without an application filter, cluster-mode
  // driver logs); the manifest attributes each file to this source by name, not by directory.
  PlannedSource workers = make_source("worker-logs", "standalone-worker-dir", "logs/executors", !o.worker_dirs.empty(),
                                      "not configured: no --worker-dir given");
  for (const auto& dir : o.worker_dirs) select_worker_dir(dir, o, workers);
  plan.sources.push_back(std::move(workers));
  return plan;
}

uint64_t CapTracker::grant(uint64_t wanted) {
  uint64_t n = wanted;
  if (total_left_) n = std::min(n, *total_left_);
  if (source_left_) n = std::min(n, *source_left_);
  if (total_left_) *total_left_ -= n;
  if (source_left_) *source_left_ -= n;
  return n;
}

uint64_t CapTracker::available() const {
  uint64_t n = UINT64_MAX;
  if (total_left_) n = std::min(n, *total_left_);
  if (source_left_) n = std::min(n, *source_left_);
  return n;
}

void CapTracker::consume(uint64_t used) {
  if (total_left_) *total_left_ -= std::min(used, *total_left_);
  if (source_left_) *source_left_ -= std::min(used, *source_left_);
}

std::string human_bytes(uint64_t n) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  constexpr double kStep = 1024.0;
  double v = static_cast<double>(n);
  size_t unit = 0;
  while (v >= kStep && unit + 1 < std::size(kUnits)) {
    v /= kStep;
    ++unit;
  }
  char buf[32];
  if (unit == 0) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

namespace {

void print_network_plan(std::ostream& out, const Options& o) {
  const std::string apps = !o.app_ids.empty() ? join(o.app_ids, ", ")
                           : o.app_name          ? "the id of --app-name \"" + *o.app_name + "\" (resolved when collecting)"
                                                 : std::string("-");
  for (const auto& [url, name, kind] : {std::tuple{&o.history_server, "history-server", "spark-history-rest"},
                                        std::tuple{&o.spark_ui, "spark-ui", "spark-ui-rest"}}) {
    out << "\nsource " << name << " (" << kind << "): ";
    if (!*url) {
      out << "skipped: not configured\n";
      continue;
    }
    out << "GET " << HttpClient::display_url(trim_base(**url)) << "/api/v1/applications/{" << apps
        << "}: application, jobs, stages, executors, allexecutors, environment, failed-task lists"
        << (std::string(name) == "history-server" ? ", event logs (/logs)" : "") << "\n";
  }
  out << "\nsource prometheus (prometheus-range): ";
  if (!o.prometheus) {
    out << "skipped: not configured\n";
  } else {
    out << "GET " << HttpClient::display_url(trim_base(*o.prometheus)) << "/api/v1/query_range over "
        << (o.since || o.until ? std::string("--since/--until") : std::string("the application's run")) << "\n";
    std::vector<NamedQuery> queries = default_prometheus_queries();
    for (const auto& q : o.prometheus_queries) {
      auto it = std::find_if(queries.begin(), queries.end(), [&](const NamedQuery& d) { return d.name == q.name; });
      if (it != queries.end()) it->promql = q.promql;
      else queries.push_back(q);
    }
    for (const auto& q : queries)
      if (!q.promql.empty()) out << "  " << q.name << " -> prometheus/" << q.name << ".json: " << q.promql << "\n";
  }
  out << "\nsource alertmanager (alertmanager-alerts): ";
  if (!o.alertmanager) out << "skipped: not configured\n";
  else out << "GET " << HttpClient::display_url(trim_base(*o.alertmanager)) << "/api/v2/alerts, alerts active in the window\n";
}

}  // namespace

void print_plan(std::ostream& out, const Options& o, const Plan& plan) {
  out << "sparkmedic-collect --dry-run: the plan below reads nothing and writes nothing.\n";
  out << "output:  " << o.output_path << " (" << bundle::format_name(o.format) << ")\n";
  out << "root:    " << o.bundle_name << "/\n";
  out << "target:  application ids: " << (o.app_ids.empty() ? "-" : join(o.app_ids, ", "))
      << "; application name: " << o.app_name.value_or("-") << "\n";
  out << "window:  " << (o.since ? rfc3339_utc(*o.since) : "(open)") << " .. " << (o.until ? rfc3339_utc(*o.until) : "(open)")
      << "\n";
  out << "caps:    " << cap_text(o.max_total_bytes) << " in total, " << cap_text(o.max_source_bytes) << " per source\n";
  CapTracker caps(o.max_total_bytes, o.max_source_bytes);
  for (const auto& s : plan.sources) {
    out << "\nsource " << s.name << " (" << s.kind << "): ";
    if (s.failed()) out << "would FAIL: " << s.error_text() << "\n";
    else if (s.skipped()) out << "skipped: " << s.skip_reason() << "\n";
    else out << s.files.size() << " file(s)\n";
    caps.begin_source();
    for (const auto& f : s.files) {
      const uint64_t granted = caps.grant(f.size);
      out << "  " << f.origin << " -> " << f.bundle_path << "  (" << human_bytes(f.size);
      if (granted < f.size) out << ", cut to the first " << human_bytes(granted) << " by the caps";
      out << ")\n";
    }
    if (!s.skipped())
      for (const auto& n : s.notes) out << "  note: " << n << "\n";
  }
  print_network_plan(out, o);
}

}  // namespace sm::collect
