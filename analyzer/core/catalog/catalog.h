#pragma once
// The failure-pattern catalog: one file per failure class (patterns/<class>.toml, format in
// docs/patterns.md), loaded from the copy embedded in the binary and, optionally, from a
// directory given at run time (a file there replaces the embedded one of the same class).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "util/result.h"

namespace sm::catalog {

// Texts a signature is matched against (bit mask).
enum Stream : uint32_t {
  kDriverLog = 1u << 0,
  kExecutorLog = 1u << 1,
  kOtherLog = 1u << 2,
  kTaskFailure = 1u << 3,
  kStageFailure = 1u << 4,
  kJobFailure = 1u << 5,
  kExecutorRemoved = 1u << 6,
  kSqlFailure = 1u << 7,
  kK8sEvent = 1u << 8,
  kK8sStatus = 1u << 9,
  kAlert = 1u << 10,
};
using StreamMask = uint32_t;
std::optional<Stream> stream_from_name(std::string_view name);
const char* stream_name(Stream s);

enum class Role { root, symptom, context };
const char* role_name(Role r);

struct Example {
  std::string text;
  bool match = true;
  std::string source;
  int line = 0;
};

struct Signature {
  std::string name;
  std::string expr;                 // Hyperscan expression
  std::vector<std::string> flags;   // caseless, dotall, multiline, utf8
  StreamMask streams = 0;
  Role role = Role::root;
  double weight = 0.5;
  std::string extract;              // optional PCRE2 with named groups
  std::string source;
  std::vector<Example> examples;
  int line = 0;                     // line in the pattern file, for messages
};

enum class RuleKind { finding, evidence, recommendation };
const char* rule_kind_name(RuleKind k);

struct Rule {
  std::string name;
  RuleKind kind = RuleKind::finding;
  std::string sql;
  int line = 0;
};

using ParamValue = std::variant<int64_t, double, std::string>;

// Where an alert's series come from; decides the output (Prometheus rules or Loki ruler rules).
enum class AlertSource { spark, spark_standalone, node_exporter, kube_state_metrics, spark_operator, celeborn, loki };
const char* alert_source_name(AlertSource s);
std::optional<AlertSource> alert_source_from_name(std::string_view name);

// One alerting rule of a failure class ([[alert]] in its pattern file). The generator
// (`sparkmedic-analyze alerts`) adds the class label and the runbook_url, so no alert can miss
// its link. For source "loki" the expression is LogQL built from one of the class's
// signatures (`signature`), so the log line an alert fires on is the one the analyzer matches.
struct Alert {
  std::string name;         // CamelCase, unique across the catalog
  AlertSource source = AlertSource::spark;
  std::string expr;         // PromQL (every source but loki)
  std::string signature;    // loki: the signature whose expression becomes the line filter
  std::string selector;     // loki: stream selector, e.g. {spark_role=~"driver|executor"}
  std::string range;        // loki: the count_over_time range, e.g. 5m
  std::string for_;         // duration ("0s" allowed)
  std::string keep_firing_for;  // optional duration
  std::string severity;     // critical | warning | info
  std::string summary;      // Prometheus template text
  std::string description;
  int line = 0;
};

// Prometheus duration ("90s", "5m", "1h30m", "0s"): milliseconds, or nullopt if malformed.
std::optional<int64_t> parse_prom_duration(std::string_view s);
std::string format_prom_duration(int64_t ms);

struct PatternFile {
  std::string id;        // failure class
  std::string code;      // SM-...
  std::string title;
  std::string summary;
  std::string severity;  // critical | error | warning | info
  std::string status;    // stable | experimental
  std::string runbook;   // runbook stem
  std::vector<std::string> explains;
  std::map<std::string, ParamValue> params;
  std::vector<Signature> signatures;
  std::vector<Rule> rules;
  std::vector<Alert> alerts;
  std::string path;      // where it was loaded from ("<embedded>/x.toml" or a file path)
};

struct Runbook {
  std::string stem;
  std::string path;
  std::string text;
};

struct Catalog {
  std::vector<PatternFile> classes;  // sorted by id
  std::vector<Runbook> runbooks;     // sorted by stem
  const PatternFile* find_class(std::string_view id_or_code) const;
  const Runbook* find_runbook(std::string_view stem) const;
};

// One authoring problem: file, position and a hint.
struct CatalogIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string str() const;  // "file:line:col: message"
};

// The failure classes the product defines (issue "Analyzer"); every one must have a file.
const std::vector<std::string>& known_classes();

// Loads the embedded catalog, then overlays `override_dir` (may be empty). Parse and
// structure problems are collected in `issues`; a class with errors is left out. Fails only
// if nothing could be loaded.
Result<Catalog> load_catalog(const std::string& override_dir, std::vector<CatalogIssue>& issues);

// Parses one pattern file's text (exposed for tests and `patterns check`).
std::optional<PatternFile> parse_pattern_file(std::string_view text, const std::string& path,
                                              std::vector<CatalogIssue>& issues);

// Structural checks across the catalog: each class has its runbook, explains-graph classes
// exist and form no cycle, runbooks have their sections. Appends to issues.
void check_catalog(const Catalog& catalog, std::vector<CatalogIssue>& issues);

// The sections every runbook must have, in order.
const std::vector<std::string>& runbook_sections();

}  // namespace sm::catalog
