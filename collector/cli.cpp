#include "cli.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "from_alert.h"
#include "options.h"
#include "plan.h"
#include "redact.h"
#include "sources/spark_rest.h"
#include "stage.h"
#include "time_util.h"

namespace sm::collect {
namespace {

namespace fs = std::filesystem;

// The target part of the bundle name is cut to this many characters.
constexpr size_t kMaxTargetChars = 64;

// Raw strings from the command line, before checking.
struct RawArgs {
  std::string format;
  std::optional<std::string> app_name;
  std::string since, until;
  std::vector<std::string> executor_logs;
  std::string max_total = std::to_string(kDefaultMaxTotalBytes);
  std::string max_source = std::to_string(kDefaultMaxSourceBytes);
  bool no_verify = false;
  std::vector<std::string> prometheus_queries;
  std::vector<std::string> alert_labels;
  std::string prometheus_step;
  long timeout = 30;
  int retries = 2;
};

// Default per-request timeout and retries (docs/collector.md).
constexpr long kMaxTimeoutSeconds = 3600;
constexpr int kMaxRetries = 10;

struct UsageError {
  std::string message;
};

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

std::string name_safe(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '-');
    if (out.size() == kMaxTargetChars) break;
  }
  return out.empty() || out == "." || out == ".." ? "local" : out;
}

std::optional<UsageError> check_executor_logs(const RawArgs& raw, Options& o) {
  for (const auto& spec : raw.executor_logs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return UsageError{"--executor-log: expected ID=PATH_OR_GLOB, got \"" + spec + "\""};
    const std::string id = spec.substr(0, eq);
    if (name_safe(id) != id || id == "local")
      return UsageError{"--executor-log: executor id \"" + id + "\" may only use letters, digits, '.', '_' and '-'"};
    o.executor_logs.push_back({id, spec.substr(eq + 1)});
  }
  return std::nullopt;
}

bool query_name_ok(const std::string& n) {
  return !n.empty() && n.size() <= 100 && n != "." && n != ".." &&
         std::all_of(n.begin(), n.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
         });
}

std::optional<UsageError> check_url(const std::optional<std::string>& url, const char* option) {
  if (!url) return std::nullopt;
  if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
    return UsageError{std::string(option) + ": expected an http:// or https:// URL, got \"" + HttpClient::display_url(*url) + "\""};
  return std::nullopt;
}

std::optional<UsageError> check_network(const RawArgs& raw, Options& o) {
  for (const auto& [u, name] : {std::pair{&o.history_server, "--history-server"}, std::pair{&o.spark_ui, "--spark-ui"},
                                std::pair{&o.prometheus, "--prometheus"}, std::pair{&o.alertmanager, "--alertmanager"}})
    if (auto e = check_url(*u, name)) return e;
  for (const auto& spec : raw.prometheus_queries) {
    const size_t eq = spec.find('=');
    const std::string name = spec.substr(0, eq);
    if (eq == std::string::npos || !query_name_ok(name))
      return UsageError{"--prometheus-query: expected NAME=PROMQL with NAME of letters, digits, '_', '-' and '.', got \"" +
                        spec + "\""};
    o.prometheus_queries.push_back({name, spec.substr(eq + 1)});
  }
  for (const auto& spec : raw.alert_labels) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) return UsageError{"--alert-label: expected NAME=VALUE, got \"" + spec + "\""};
    o.alert_labels.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
  }
  if (!raw.prometheus_step.empty()) {
    char* end = nullptr;
    const long long v = std::strtoll(raw.prometheus_step.c_str(), &end, 10);
    if (end == raw.prometheus_step.c_str() || *end != '\0' || v < 1 || v > 86400)
      return UsageError{"--prometheus-step: expected whole seconds from 1 to 86400, got \"" + raw.prometheus_step + "\""};
    o.prometheus_step = v;
  }
  if (raw.timeout < 1 || raw.timeout > kMaxTimeoutSeconds)
    return UsageError{"--timeout: expected seconds from 1 to " + std::to_string(kMaxTimeoutSeconds)};
  if (raw.retries < 0 || raw.retries > kMaxRetries)
    return UsageError{"--retries: expected 0 to " + std::to_string(kMaxRetries)};
  o.http.timeout_seconds = raw.timeout;
  o.http.retries = raw.retries;
  if (o.http.insecure && o.http.cacert) return UsageError{"--insecure and --cacert exclude each other"};
  if (o.redact_rules_file) {
    auto rules = redact::load_rules_file(*o.redact_rules_file);
    if (!rules.ok()) return UsageError{"--redact-rules: " + rules.error().message};
    o.redact_rules = std::move(rules.value());
  }
  return std::nullopt;
}

std::optional<UsageError> check_values(const RawArgs& raw, Options& o) {
  if (!raw.format.empty()) {
    auto f = bundle::parse_archive_format(raw.format);
    if (!f) return UsageError{"--format: expected tar.zst, tar.gz, tar, zip or dir, got \"" + raw.format + "\""};
    o.format = *f;
    auto by_name = bundle::format_from_path(o.out);
    if (by_name && *by_name != o.format)
      return UsageError{"--out " + o.out + " names a ." + std::string(bundle::format_name(*by_name)) +
                        " file but --format is " + raw.format};
  } else if (auto by_name = bundle::format_from_path(o.out)) {
    o.format = *by_name;
  }
  o.app_name = raw.app_name;
  for (const auto& id : o.app_ids)
    if (id.empty()) return UsageError{"--app-id: empty application id"};
  if (!raw.since.empty()) {
    o.since = parse_time_arg(raw.since);
    if (!o.since) return UsageError{"--since: cannot read time \"" + raw.since + "\" (RFC 3339, YYYY-MM-DD or epoch seconds)"};
  }
  if (!raw.until.empty()) {
    o.until = parse_time_arg(raw.until);
    if (!o.until) return UsageError{"--until: cannot read time \"" + raw.until + "\" (RFC 3339, YYYY-MM-DD or epoch seconds)"};
  }
  if (o.since && o.until && *o.since > *o.until) return UsageError{"--since is after --until"};
  auto total = parse_byte_size(raw.max_total);
  if (!total) return UsageError{"--max-total-bytes: expected a byte count like 4G or 1048576, got \"" + raw.max_total + "\""};
  auto per_source = parse_byte_size(raw.max_source);
  if (!per_source) return UsageError{"--max-source-bytes: expected a byte count like 2G, got \"" + raw.max_source + "\""};
  o.max_total_bytes = *total == 0 ? std::nullopt : total;
  o.max_source_bytes = *per_source == 0 ? std::nullopt : per_source;
  if (auto e = check_executor_logs(raw, o)) return e;
  if (auto e = check_network(raw, o)) return e;
  if (o.eventlogs.empty() && o.driver_logs.empty() && o.executor_logs.empty() && o.other_logs.empty() &&
      o.worker_dirs.empty() && !o.history_server && !o.spark_ui && !o.prometheus && !o.alertmanager &&
      !o.from_alert)
    return UsageError{"nothing to collect: give --eventlog, --driver-log, --executor-log, --log, --worker-dir, "
                      "--history-server, --spark-ui, --prometheus, --alertmanager or --from-alert"};
  o.verify = !raw.no_verify;
  return std::nullopt;
}

std::optional<UsageError> resolve_output(Options& o) {
  std::string target = !o.app_ids.empty() ? o.app_ids.front() : o.app_name.value_or("local");
  o.bundle_name = "sparkmedic-bundle-" + name_safe(target) + "-" + compact_utc(o.started);
  if (is_dir(o.out) && o.format != bundle::ArchiveFormat::directory) {
    o.output_path = (fs::path(o.out) / (o.bundle_name + std::string(bundle::format_extension(o.format)))).string();
  } else if (is_dir(o.out)) {
    o.output_path = (fs::path(o.out) / o.bundle_name).string();
  } else {
    o.output_path = o.out;
  }
  if (exists(o.output_path)) return UsageError{o.output_path + " already exists; choose another --out"};
  const fs::path parent = fs::path(o.output_path).parent_path();
  if (!parent.empty() && !is_dir(parent.string()))
    return UsageError{"--out: directory " + parent.string() + " does not exist"};
  return std::nullopt;
}

void print_summary(std::ostream& out, const CollectResult& r, const Options& o) {
  const auto& red = r.manifest.redaction;
  out << "wrote " << r.output_path << " (" << bundle::format_name(o.format) << "): " << r.files << " file(s), "
      << human_bytes(r.bytes);
  if (o.verify) out << "; checked " << r.verified_files << " file(s) against the manifest";
  out << "\n";
  for (const auto& s : r.manifest.sources) {
    out << "  " << s.name << ": " << bundle::to_string(s.status);
    if (s.status == bundle::SourceStatus::skipped) out << " (" << s.reason.value_or("") << ")";
    else out << ", " << s.files << " file(s), " << human_bytes(s.bytes) << (s.truncated ? ", cut at the caps" : "");
    out << "\n";
  }
  out << "  redaction: " << red.total << " value(s) replaced";
  for (const auto& rc : red.rules) out << (&rc == &red.rules.front() ? " (" : ", ") << rc.rule << " " << rc.count;
  if (!red.rules.empty()) out << ")";
  if (red.rescan) out << "; re-scan " << red.rescan->status << " (" << red.rescan->files << " file(s))";
  out << "\n";
}

}  // namespace

std::optional<uint64_t> parse_byte_size(std::string_view s) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = s.substr(i);
  if (unit.ends_with("iB")) unit.remove_suffix(2);
  else if (unit.size() == 2 && unit.back() == 'B') unit.remove_suffix(1);
  unsigned shift = 0;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "K" || unit == "k") shift = 10;
  else if (unit == "M") shift = 20;
  else if (unit == "G") shift = 30;
  else if (unit == "T") shift = 40;
  else return std::nullopt;
  if (shift > 0 && v > (UINT64_MAX >> shift)) return std::nullopt;
  return v << shift;
}

int run_cli(int argc, char** argv) {
  Options o;
  RawArgs raw;
  CLI::App app{"sparkmedic-collect: snapshot a Spark application's evidence into a bundle (bundle format v1)"};
  app.set_version_flag("--version", std::string("sparkmedic-collect ") + SPARKMEDIC_VERSION);
  app.add_option("--out", o.out, "Bundle file to write, or an existing directory to write it into")->required();
  app.add_option("--format", raw.format, "tar.zst (default), tar.gz, tar, zip or dir");
  app.add_option("--app-id", o.app_ids, "Application id (repeatable); selects event logs from directories of many apps")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--app-name", raw.app_name,
                 "Application name: resolved to its id through --history-server/--spark-ui (the most recent run)");
  app.add_option("--since", raw.since, "Window start: RFC 3339, YYYY-MM-DD or epoch seconds (UTC)");
  app.add_option("--until", raw.until, "Window end (same forms as --since)");
  app.add_option("--eventlog", o.eventlogs, "Event log file, rolling or Spark 1.x directory, directory of logs, or glob")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--driver-log", o.driver_logs, "Driver log file, directory or glob (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--executor-log", raw.executor_logs, "ID=PATH_OR_GLOB: an executor's log (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--log", o.other_logs, "Any other log file, directory or glob (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--worker-dir", o.worker_dirs, "Spark standalone Worker work directory (repeatable): app-*/<execId>/stdout|stderr")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--history-server", o.history_server, "Spark History Server base URL (http://host:18080)");
  app.add_option("--spark-ui", o.spark_ui, "Live Spark UI base URL of the driver (http://host:4040)");
  app.add_option("--prometheus", o.prometheus, "Prometheus base URL (http://host:9090)");
  app.add_option("--alertmanager", o.alertmanager, "Alertmanager base URL (http://host:9093)");
  app.add_option("--prometheus-query", raw.prometheus_queries,
                 "NAME=PROMQL: add a range query, replace the default one of that NAME, or drop it with NAME= (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--prometheus-step", raw.prometheus_step, "Range-query step in seconds (default: the window / 1000, at least 1)");
  app.add_option("--metrics-namespace", o.metrics_namespaces,
                 "spark.metrics.namespace of the application (default: read from its environment, else its id)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--from-alert", o.from_alert,
                 "Alertmanager webhook payload (version 4) or API alert(s) in FILE (- for stdin): collect the "
                 "application, namespace and time window its labels and times name (docs/alerts.md)");
  app.add_option("--alert-label", raw.alert_labels, "NAME=VALUE: only alerts with this label (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--timeout", raw.timeout, "Seconds per HTTP request (default 30)");
  app.add_option("--retries", raw.retries, "Retries per HTTP request on errors, 429 and 5xx (default 2; exponential backoff with jitter)");
  app.add_option("--cacert", o.http.cacert, "CA certificates (PEM) to verify https servers with");
  app.add_flag("--insecure", o.http.insecure, "Do not verify https certificates");
  app.add_option("--token-file", o.http.token_file, "File holding a bearer token sent with every request");
  app.add_option("--header-file", o.http.header_file, "File of \"Name: value\" headers sent with every request");
  app.add_option("--redact-rules", o.redact_rules_file, "File of extra redaction regexes, one per line");
  app.add_option("--max-total-bytes", raw.max_total, "Cap for the whole bundle (default 4G; 0 = none)");
  app.add_option("--max-source-bytes", raw.max_source, "Cap for each source (default 2G; 0 = none)");
  app.add_flag("--dry-run", o.dry_run, "Print what would be collected; read and write nothing");
  app.add_flag("--no-verify", raw.no_verify, "Do not read the written bundle back to check it");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  o.started = now_epoch_seconds();
  std::optional<UsageError> err = check_values(raw, o);
  // --from-alert fills what the command line left open: application, namespace and window.
  if (!err && o.from_alert) {
    auto sel = read_alert_file(*o.from_alert, o.started);
    if (!sel.ok()) {
      err = UsageError{sel.error().message};
    } else {
      if (o.app_ids.empty()) o.app_ids = sel->app_ids;
      if (o.app_ids.empty() && !o.app_name) o.app_name = sel->app_name;
      if (!o.since) o.since = sel->since;
      if (!o.until) o.until = std::max(sel->until, *o.since);
      o.namespace_name = sel->namespace_;
      o.from_alert_json = std::move(sel->alerts_json);
      o.from_alert_notes = std::move(sel->notes);
      if (o.app_ids.empty() && !o.app_name) {
        std::string labels;
        for (auto l : alert_app_id_labels()) labels += (labels.empty() ? "" : ", ") + std::string(l);
        o.from_alert_notes.push_back("no alert names an application (labels " + labels +
                                     "): every application in the window is collected");
      }
      for (const auto& n : o.from_alert_notes) std::cout << "from alert: " << n << "\n";
    }
  }
  std::unique_ptr<HttpClient> http;
  if (!err) {
    auto h = HttpClient::create(o.http);
    if (!h.ok()) err = UsageError{h.error().message};
    else http = std::move(h.value());
  }
  // --app-name becomes an application id before anything is planned, so every source
  // (event-log selection, worker directories, metrics) sees the id.
  std::string resolution_note;
  if (!err && o.app_name && o.app_ids.empty() && !o.dry_run && (o.history_server || o.spark_ui)) {
    std::string why;
    if (auto id = resolve_app_name(*http, o, &why, &resolution_note)) o.app_ids.push_back(*id);
    else std::cerr << "sparkmedic-collect: " << why << "\n";
  } else if (!err && o.app_ids.empty() && !o.app_name && !o.dry_run && o.spark_ui) {
    // Only a driver UI named: its application is the target of every source.
    std::string why;
    o.app_ids = spark_ui_applications(*http, *o.spark_ui, &why);
    if (!o.app_ids.empty()) resolution_note = "--spark-ui serves " + o.app_ids.front();
  }
  if (!err) err = resolve_output(o);
  if (err) {
    std::cerr << "sparkmedic-collect: " << err->message << "\nRun with --help for more information.\n";
    return kExitUsage;
  }
  if (!resolution_note.empty()) std::cout << resolution_note << "\n";
  auto redacted = redact_command_line(std::vector<std::string>(argv, argv + argc));
  o.command_line = std::move(redacted.args);
  o.command_line_redactions = std::move(redacted.counts);

  const Plan plan = build_plan(o);
  bool plan_fails = false;
  for (const auto& s : plan.sources) plan_fails = plan_fails || s.failed();
  if (o.dry_run) {
    print_plan(std::cout, o, plan);
    return plan_fails ? kExitSourceFailed : kExitOk;
  }
  auto result = collect(o, plan, *http);
  if (!result.ok()) {
    std::cerr << "sparkmedic-collect: " << result.error().message << "\n";
    return kExitNotWritten;
  }
  print_summary(std::cout, *result, o);
  for (const auto& s : result->manifest.sources)
    if (s.status == bundle::SourceStatus::failed)
      std::cerr << "sparkmedic-collect: source " << s.name << " failed: " << s.error.value_or("") << "\n";
  if (result->secret_survived) {
    for (const auto& f : result->manifest.redaction.rescan->findings)
      std::cerr << "sparkmedic-collect: SECRET SURVIVED REDACTION: " << f.path << " (rule " << f.rule << ", " << f.count
                << " match(es))" << (f.path == bundle::kManifestFileName ? "" : ": withheld from the bundle") << "\n";
    return kExitSecretSurvived;
  }
  return result->any_source_failed ? kExitSourceFailed : kExitOk;
}

}  // namespace sm::collect
