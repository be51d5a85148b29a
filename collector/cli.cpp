#include "cli.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "options.h"
#include "plan.h"
#include "redact.h"
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
};

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
  if (o.eventlogs.empty() && o.driver_logs.empty() && o.executor_logs.empty() && o.other_logs.empty())
    return UsageError{"nothing to collect: give --eventlog, --driver-log, --executor-log or --log"};
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
  app.add_option("--app-name", raw.app_name, "Application name (recorded; matches Spark 1.0-1.2 log directories)");
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
  if (!err) err = resolve_output(o);
  if (err) {
    std::cerr << "sparkmedic-collect: " << err->message << "\nRun with --help for more information.\n";
    return kExitUsage;
  }
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
  auto result = collect(o, plan);
  if (!result.ok()) {
    std::cerr << "sparkmedic-collect: " << result.error().message << "\n";
    return kExitNotWritten;
  }
  print_summary(std::cout, *result, o);
  for (const auto& s : result->manifest.sources)
    if (s.status == bundle::SourceStatus::failed)
      std::cerr << "sparkmedic-collect: source " << s.name << " failed: " << s.error.value_or("") << "\n";
  return result->any_source_failed ? kExitSourceFailed : kExitOk;
}

}  // namespace sm::collect
