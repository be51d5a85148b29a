// JSON report, schema sparkmedic.diagnosis/v1 (docs/schemas/diagnosis-v1.schema.json).
#include "report/report.h"
#include "util/format.h"
#include "util/json_writer.h"

namespace sm::report {
namespace {

void time_or_null(JsonWriter& w, std::string_view key, const std::optional<int64_t>& t) {
  w.key(key);
  if (t) w.value(fmt::time_rfc3339(*t));
  else w.null();
}

void finding(JsonWriter& w, const diagnose::Finding& f) {
  w.begin_object();
  w.field("failure_class", f.failure_class).field("code", f.code).field("title", f.title).field("severity", f.severity);
  w.field("confidence", f.confidence).field("score", f.score).field("summary", redact_for_report(f.summary));
  time_or_null(w, "first_seen", f.first_ts);
  w.key("sources").begin_array();
  for (const auto& s : f.sources) w.value(s);
  w.end_array();
  w.key("evidence").begin_array();
  for (const auto& e : f.evidence) {
    w.begin_object();
    w.field("source", e.source).field("location", e.location);
    time_or_null(w, "time", e.ts);
    w.field("text", redact_for_report(e.text));
    w.end_object();
  }
  w.end_array();
  w.key("recommendations").begin_array();
  for (const auto& r : f.recommendations) {
    w.begin_object();
    w.field("action", r.action);
    w.key("config_key");
    if (r.config_key.empty()) w.null(); else w.value(r.config_key);
    w.key("value");
    if (r.value.empty()) w.null(); else w.value(r.value);
    w.field("why", r.why).field("applies_to", r.applies_to);
    w.end_object();
  }
  w.end_array();
  w.key("facts").begin_object();
  for (const auto& [k, v] : f.facts) w.field(k, redact_for_report(v));
  w.end_object();
  w.field("runbook", f.runbook_url).field("runbook_name", f.runbook);
  w.field("explained_by", f.explained_by);
  w.key("explains").begin_array();
  for (const auto& e : f.explains) w.value(e);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string render_json(const ReportInput& in) {
  JsonWriter w(/*pretty=*/true);
  w.begin_object();
  w.field("schema", diagnose::kDiagnosisSchema);
  w.field("generator", "sparkmedic-analyze " SPARKMEDIC_VERSION);
  w.key("inputs").begin_array();
  for (const auto& i : in.inputs) w.value(i);
  w.end_array();
  w.key("applications").begin_array();
  for (const auto& d : *in.diagnoses) {
    w.begin_object();
    w.field("app_id", d.app_id).field("app_name", d.app_name).field("spark_version", d.spark_version).field("outcome", d.outcome);
    w.key("root_cause");
    if (d.root_cause) finding(w, *d.root_cause);
    else w.null();
    w.field("cannot_tell", d.cannot_tell);
    w.key("findings").begin_array();
    for (const auto& f : d.findings) finding(w, f);
    w.end_array();
    w.key("missing_data").begin_array();
    for (const auto& m : d.missing_data) w.value(m);
    w.end_array();
    w.key("sources").begin_array();
    for (const auto& s : d.sources) {
      w.begin_object();
      w.field("name", s.name).field("status", s.status).field("detail", s.detail).field("truncated", s.truncated);
      w.end_object();
    }
    w.end_array();
    w.key("alerts").begin_array();
    for (const auto& a : d.alerts) {
      w.begin_object();
      w.field("alertname", a.alertname).field("severity", a.severity).field("state", a.state).field("runbook_url", a.runbook_url)
          .field("summary", a.summary);
      time_or_null(w, "starts_at", a.starts_at);
      w.end_object();
    }
    w.end_array();
    w.key("notes").begin_array();
    for (const auto& n : d.notes) w.value(redact_for_report(n));
    w.end_array();
    w.end_object();
  }
  w.end_array();
  // The first application's root cause at top level, for the common one-application case.
  w.key("root_cause");
  if (!in.diagnoses->empty() && in.diagnoses->front().root_cause) finding(w, *in.diagnoses->front().root_cause);
  else w.null();
  w.key("findings").begin_array();
  if (!in.diagnoses->empty())
    for (const auto& f : in.diagnoses->front().findings) finding(w, f);
  w.end_array();
  w.key("sources").begin_array();
  if (!in.diagnoses->empty())
    for (const auto& src : in.diagnoses->front().sources) {
      w.begin_object();
      w.field("name", src.name).field("status", src.status).field("detail", src.detail).field("truncated", src.truncated);
      w.end_object();
    }
  w.end_array();
  w.key("input_issues").begin_array();
  if (in.issues)
    for (const auto& is : *in.issues) {
      w.begin_object();
      w.field("source", is.source).field("message", is.message);
      w.end_object();
    }
  w.end_array();
  w.key("rule_errors").begin_array();
  if (in.rule_errors)
    for (const auto& e : *in.rule_errors) {
      w.begin_object();
      w.field("where", e.where).field("message", e.message);
      w.end_object();
    }
  w.end_array();
  w.end_object();
  std::string s = w.take();
  s.push_back('\n');
  return s;
}

}  // namespace sm::report
