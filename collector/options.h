#pragma once
// What sparkmedic-collect was asked to do, after the command line has been parsed and
// checked (cli.cpp). Everything downstream (plan, staging, writing) reads only this.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bundle/bundle_writer.h"
#include "bundle/manifest.h"
#include "http.h"
#include "redact/redactor.h"

namespace sm::collect {

// Process exit codes (docs/bundle-format.md, "Collector").
inline constexpr int kExitOk = 0;            // bundle written, every source collected or skipped
inline constexpr int kExitSourceFailed = 1;  // bundle written, but some source failed
inline constexpr int kExitUsage = 2;         // bad command line; nothing done
inline constexpr int kExitNotWritten = 3;    // the bundle could not be written (or verified)
inline constexpr int kExitSecretSurvived = 4;  // bundle written, but the re-scan after redaction
                                               // found a secret: the files holding it were withheld

// Default caps: a bundle must stay attachable to a ticket, and one huge log must not crowd
// out the rest. 0 on the command line means "no cap".
inline constexpr uint64_t kDefaultMaxTotalBytes = uint64_t{4} << 30;
inline constexpr uint64_t kDefaultMaxSourceBytes = uint64_t{2} << 30;

struct ExecutorLogSpec {
  std::string executor_id;
  std::string pattern;
};

// --prometheus-query NAME=PROMQL
struct NamedQuery {
  std::string name;
  std::string promql;  // empty: drop the default query of that name
};

// --alert-label NAME=VALUE
struct LabelMatch {
  std::string name;
  std::string value;
};

struct Options {
  std::string out;                  // as given
  std::string output_path;          // resolved: the file (or directory) to create
  std::string bundle_name;          // sparkmedic-bundle-<target>-<stamp>
  bundle::ArchiveFormat format = bundle::ArchiveFormat::tar_zst;
  std::vector<std::string> app_ids;
  std::optional<std::string> app_name;
  std::optional<int64_t> since;  // epoch seconds
  std::optional<int64_t> until;
  std::vector<std::string> eventlogs;
  std::vector<std::string> driver_logs;
  std::vector<ExecutorLogSpec> executor_logs;
  std::vector<std::string> other_logs;
  std::vector<std::string> worker_dirs;  // standalone Worker --work-dir directories
  // Network sources (base URLs as given; credentials in them are used, never recorded).
  std::optional<std::string> history_server;
  std::optional<std::string> spark_ui;
  std::optional<std::string> prometheus;
  std::optional<std::string> alertmanager;
  std::vector<NamedQuery> prometheus_queries;
  std::optional<int64_t> prometheus_step;          // seconds; default from the window
  std::vector<std::string> metrics_namespaces;     // spark.metrics.namespace values
  std::vector<LabelMatch> alert_labels;
  std::optional<std::string> from_alert;           // --from-alert FILE (from_alert.h)
  std::string from_alert_json;                     // the alerts it held, staged as alert/from-alert.json
  std::vector<std::string> from_alert_notes;       // how the target and window were chosen
  std::optional<std::string> namespace_name;       // Kubernetes namespace (from an alert's labels)
  HttpConfig http;
  std::vector<redact::UserRule> redact_rules;      // --redact-rules FILE
  std::optional<std::string> redact_rules_file;
  std::optional<uint64_t> max_total_bytes = kDefaultMaxTotalBytes;  // nullopt: no cap
  std::optional<uint64_t> max_source_bytes = kDefaultMaxSourceBytes;
  bool dry_run = false;
  bool verify = true;  // read the written bundle back and check it against its manifest
  int64_t started = 0;  // epoch seconds, fixes created_at and the bundle name
  std::vector<std::string> command_line;  // redacted argv
  std::vector<bundle::RedactionCount> command_line_redactions;
};

}  // namespace sm::collect
