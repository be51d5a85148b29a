#pragma once
// The result of an analysis, as data. Every report (terminal, JSON, Markdown, HTML) is a pure
// function of a Diagnosis (schema sparkmedic.diagnosis/v1, docs/schemas/diagnosis-v1.schema.json).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sm::diagnose {

inline constexpr const char* kDiagnosisSchema = "sparkmedic.diagnosis/v1";

struct Evidence {
  std::string source;    // eventlog | driver_log | executor_log | other_log | k8s | metrics | alerts | history
  std::string location;  // "logs/driver/stderr:1234", "failed_task_group#2", "k8s_event#7"
  std::optional<int64_t> ts;
  std::string text;      // bounded, secrets redacted at report time
};

struct Recommendation {
  std::string action;        // what to do, in words
  std::string config_key;    // e.g. spark.executor.memoryOverhead (may be empty)
  std::string value;         // computed value, e.g. "3g"
  std::string why;           // the evidence it is computed from
  std::string applies_to;    // e.g. "Spark 3.5 and 4.x", "SparkApplication spec.executor.memoryOverhead"
};

struct Finding {
  std::string failure_class;
  std::string code;
  std::string title;
  std::string severity;
  double score = 0;          // strength of the rule's evidence alone
  double confidence = 0;     // after corroboration and data-quality adjustments
  std::string summary;
  std::optional<int64_t> first_ts;
  std::vector<std::string> sources;  // independent sources that corroborate
  std::map<std::string, std::string> facts;
  std::vector<Evidence> evidence;
  std::vector<Recommendation> recommendations;
  std::string runbook;       // runbook stem
  std::string runbook_url;   // base URL + stem + ".md" (or the embedded path)
  std::optional<std::string> explained_by;   // class of the finding this one is a symptom of
  std::vector<std::string> explains;         // classes of findings listed under this one
};

struct SourceStatus {
  std::string name;
  std::string status;  // collected | skipped | failed | present | missing
  std::string detail;  // reason or error
  bool truncated = false;
};

struct AlertRef {
  std::string alertname, severity, state, runbook_url, summary;
  std::optional<int64_t> starts_at;
};

struct Diagnosis {
  std::string app_id;
  std::string app_name;
  std::string spark_version;
  std::string outcome;                 // from the summary: succeeded, failed, ...
  std::optional<Finding> root_cause;   // null when no problem, or when we cannot tell
  std::vector<Finding> findings;       // rank order, root first
  bool cannot_tell = false;            // a problem is visible but evidence does not decide
  std::vector<std::string> missing_data;  // what data would decide (when cannot_tell or low confidence)
  std::vector<SourceStatus> sources;
  std::vector<AlertRef> alerts;
  std::vector<std::string> notes;      // reader warnings worth showing
};

}  // namespace sm::diagnose
