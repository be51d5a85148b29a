// One self-contained HTML file per analysis: the verdict, the story (root cause with its
// symptoms under it), evidence, computed fixes with runbook links, a timeline of jobs, stages,
// executors and findings (inline SVG), what was collected and what was missing. The style comes
// from reports/report.css, embedded at build time; there are no scripts and no external links
// except the runbooks.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "diagnose/sql_functions.h"
#include "report/report.h"
#include "util/format.h"

namespace sm::embedded {
extern const std::string_view reports_report_css;
}

namespace sm::report {
namespace {

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// Only http(s) and relative links are emitted; anything else (javascript:, data:) is dropped.
std::string safe_href(std::string_view url) {
  if (url.empty()) return "";
  std::string lower;
  for (char c : url.substr(0, 12)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  bool has_scheme = url.find(':') != std::string_view::npos && url.find(':') < url.find('/');
  if (has_scheme && lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) return "";
  return esc(url);
}

std::string pct(double v) {
  char b[16];
  std::snprintf(b, sizeof b, "%.0f%%", v * 100.0);
  return b;
}

void conf_bar(std::ostringstream& o, double c) {
  o << "<span class=\"conf\" title=\"confidence " << pct(c) << "\"><span style=\"width:" << static_cast<int>(c * 100.0)
    << "%\"></span></span> " << pct(c);
}

void finding_html(std::ostringstream& o, const diagnose::Finding& f, bool root) {
  o << "<div class=\"finding" << (f.explained_by ? " symptom" : "") << "\" id=\"f-" << esc(f.failure_class) << "\">\n";
  o << "<div><span class=\"badge sev-" << esc(f.severity) << "\">" << esc(f.severity) << "</span> <b>" << esc(f.failure_class)
    << "</b> <code>" << esc(f.code) << "</code> &nbsp;";
  conf_bar(o, f.confidence);
  if (f.explained_by) o << " &nbsp;<span class=\"meta\">symptom of <a href=\"#f-" << esc(*f.explained_by) << "\">" << esc(*f.explained_by) << "</a></span>";
  o << "</div>\n<div>" << esc(redact_for_report(f.summary)) << "</div>\n";
  o << "<div class=\"meta\">";
  if (f.first_ts) o << "first seen " << esc(fmt::time_utc(f.first_ts)) << " &middot; ";
  if (!f.sources.empty()) {
    o << "seen in ";
    for (size_t i = 0; i < f.sources.size(); ++i) o << (i ? ", " : "") << esc(f.sources[i]);
    o << " &middot; ";
  }
  std::string href = safe_href(f.runbook_url);
  if (!href.empty()) o << "runbook <a href=\"" << href << "\">" << esc(f.runbook) << "</a>";
  else o << "runbook " << esc(f.runbook);
  o << "</div>\n";
  if (!f.facts.empty()) {
    o << "<details" << (root ? " open" : "") << "><summary>Facts</summary><table>";
    for (const auto& [k, v] : f.facts) o << "<tr><th>" << esc(k) << "</th><td class=\"mono\">" << esc(redact_for_report(v)) << "</td></tr>";
    o << "</table></details>\n";
  }
  if (!f.evidence.empty()) {
    o << "<details" << (root ? " open" : "") << "><summary>Evidence (" << f.evidence.size() << ")</summary>\n<table>"
      << "<tr><th>time (UTC)</th><th>source</th><th>where</th><th>text</th></tr>\n";
    for (const auto& e : f.evidence) {
      o << "<tr><td class=\"mono\">" << (e.ts ? esc(fmt::time_utc(e.ts)) : "") << "</td><td>" << esc(e.source) << "</td><td class=\"mono\">"
        << esc(e.location) << "</td><td><pre>" << esc(redact_for_report(e.text)) << "</pre></td></tr>\n";
    }
    o << "</table></details>\n";
  }
  if (!f.recommendations.empty()) {
    o << "<h3>Fix</h3><table class=\"fix\"><tr><th>action</th><th>setting</th><th>why (from the evidence)</th><th>applies to</th></tr>\n";
    for (const auto& r : f.recommendations) {
      o << "<tr><td>" << esc(r.action) << "</td><td class=\"mono\">" << esc(r.config_key) << (r.value.empty() ? "" : "=" + esc(r.value))
        << "</td><td>" << esc(r.why) << "</td><td>" << esc(r.applies_to) << "</td></tr>\n";
    }
    o << "</table>\n";
  }
  o << "</div>\n";
}

// The application's timeline: jobs, stage attempts and executors as bars on one time axis,
// with a red mark where each finding was first seen.
void timeline(std::ostringstream& o, const eventlog::AppModel& m, const diagnose::Diagnosis& d) {
  int64_t t0 = INT64_MAX, t1 = 0;
  auto widen = [&](std::optional<int64_t> t) {
    if (t && *t > 0) {
      t0 = std::min(t0, *t);
      t1 = std::max(t1, *t);
    }
  };
  widen(m.app.start_time);
  widen(m.app.end_time);
  widen(m.last_event_time > 0 ? std::optional<int64_t>(m.last_event_time) : std::nullopt);
  for (const auto& f : d.findings) widen(f.first_ts);
  if (t0 == INT64_MAX || t1 <= t0) return;
  const int64_t end = t1;
  const double width = 1100.0, left = 150.0, plot = width - left - 10.0;
  auto x = [&](int64_t t) { return left + plot * static_cast<double>(std::clamp(t, t0, end) - t0) / static_cast<double>(end - t0); };
  const size_t max_rows = 60;
  struct Bar {
    std::string label, cls, title;
    int64_t a, b;
  };
  std::vector<Bar> bars;
  for (const auto& j : m.jobs) {
    if (!j.submission_time) continue;
    std::string cls = j.status == eventlog::JobStatus::succeeded ? "job-ok" : j.status == eventlog::JobStatus::failed ? "job-failed" : "job-running";
    bars.push_back({"job " + std::to_string(j.job_id), cls, "job " + std::to_string(j.job_id) + " " + eventlog::to_string(j.status) + ": " + j.name,
                    *j.submission_time, j.completion_time.value_or(end)});
  }
  for (const auto& s : m.stages) {
    if (!s.submission_time) continue;
    std::string cls = s.status == eventlog::StageStatus::complete ? "stage-ok" : s.status == eventlog::StageStatus::failed ? "stage-failed" : "stage-other";
    bars.push_back({"stage " + std::to_string(s.stage_id) + "." + std::to_string(s.attempt_id), cls,
                    "stage " + std::to_string(s.stage_id) + "." + std::to_string(s.attempt_id) + " " + eventlog::to_string(s.status) + ", " +
                        std::to_string(s.num_tasks) + " tasks: " + s.name,
                    *s.submission_time, s.completion_time.value_or(end)});
  }
  for (const auto& e : m.executors) {
    if (e.add_time <= 0) continue;
    bars.push_back({e.id == "driver" ? "driver" : "executor " + e.id, e.remove_time ? "exec-removed" : "exec",
                    "executor " + e.id + " on " + e.host + (e.remove_reason ? ", removed: " + *e.remove_reason : ""), e.add_time,
                    e.remove_time.value_or(end)});
  }
  size_t hidden = 0;
  if (bars.size() > max_rows) {
    hidden = bars.size() - max_rows;
    bars.resize(max_rows);
  }
  const double row = 16.0, top = 22.0;
  const double height = top + row * static_cast<double>(bars.size()) + 8.0;
  o << "<svg class=\"timeline\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\" aria-label=\"timeline\">\n";
  o << "<text x=\"" << left << "\" y=\"14\">" << esc(fmt::time_utc(t0)) << "</text><text x=\"" << (width - 10) << "\" y=\"14\" text-anchor=\"end\">"
    << esc(fmt::time_utc(end)) << " (+" << esc(fmt::duration_ms(end - t0)) << ")</text>\n";
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    double y = top + row * static_cast<double>(i);
    double xa = x(b.a), xb = std::max(x(b.b), xa + 1.5);
    o << "<text x=\"4\" y=\"" << (y + 11) << "\">" << esc(b.label) << "</text><rect class=\"" << b.cls << "\" x=\"" << xa << "\" y=\"" << (y + 2)
      << "\" width=\"" << (xb - xa) << "\" height=\"" << (row - 4) << "\"><title>" << esc(b.title) << "</title></rect>\n";
  }
  for (const auto& f : d.findings) {
    if (!f.first_ts) continue;
    double xf = x(*f.first_ts);
    o << "<line class=\"mark\" x1=\"" << xf << "\" x2=\"" << xf << "\" y1=\"18\" y2=\"" << height << "\"><title>" << esc(f.failure_class) << " first seen "
      << esc(fmt::time_utc(f.first_ts)) << "</title></line>\n";
  }
  o << "</svg>\n";
  if (hidden) o << "<div class=\"meta\">" << hidden << " more bars not drawn.</div>\n";
}

int metric_index(std::string_view name) {
  for (size_t i = 0; i < eventlog::kExecutorMetricCount; ++i)
    if (name == eventlog::kExecutorMetricNames[i]) return static_cast<int>(i);
  return -1;
}

std::optional<int64_t> peak(const eventlog::Executor& e, std::string_view name) {
  int i = metric_index(name);
  if (i < 0 || !e.peak_metrics.present[static_cast<size_t>(i)]) return std::nullopt;
  return e.peak_metrics.value[static_cast<size_t>(i)];
}

std::optional<int64_t> conf_size(const eventlog::AppModel& m, const std::string& key, int64_t unit) {
  auto it = m.app.spark_properties.find(key);
  if (it == m.app.spark_properties.end()) return std::nullopt;
  return diagnose::parse_spark_size(it->second, unit);
}

// Each executor's peak JVM heap and process RSS against what it was given: the heap limit
// (spark.executor.memory) and the container limit (heap + memoryOverhead, as Spark sizes pods
// and YARN containers: max(384 MiB, factor x heap) unless set).
void memory_chart(std::ostringstream& o, const eventlog::AppModel& m) {
  const int64_t mib = 1024 * 1024;
  int64_t heap = conf_size(m, "spark.executor.memory", mib).value_or(1024 * mib);
  double factor = 0.10;
  if (auto it = m.app.spark_properties.find("spark.executor.memoryOverheadFactor"); it != m.app.spark_properties.end()) {
    try {
      factor = std::stod(it->second);
    } catch (...) {
    }
  }
  int64_t overhead = conf_size(m, "spark.executor.memoryOverhead", mib)
                         .value_or(std::max<int64_t>(384 * mib, static_cast<int64_t>(factor * static_cast<double>(heap))));
  int64_t limit = heap + overhead;
  struct Row {
    std::string id;
    std::optional<int64_t> heap_peak, rss;
  };
  std::vector<Row> rows;
  for (const auto& e : m.executors) {
    if (e.id == "driver") continue;
    Row r{e.id, peak(e, "JVMHeapMemory"), std::nullopt};
    int64_t rss = 0;
    bool any = false;
    for (const char* n : {"ProcessTreeJVMRSSMemory", "ProcessTreePythonRSSMemory", "ProcessTreeOtherRSSMemory"})
      if (auto v = peak(e, n); v && *v > 0) {
        rss += *v;
        any = true;
      }
    if (any) r.rss = rss;
    if (r.heap_peak || r.rss) rows.push_back(std::move(r));
  }
  if (rows.empty()) return;
  if (rows.size() > 40) rows.resize(40);
  int64_t top = limit;
  for (const auto& r : rows) top = std::max({top, r.heap_peak.value_or(0), r.rss.value_or(0)});
  const double width = 1100.0, left = 110.0, plot = width - left - 20.0, row = 22.0;
  const double height = 30.0 + row * static_cast<double>(rows.size());
  auto x = [&](int64_t v) { return left + plot * static_cast<double>(v) / static_cast<double>(top); };
  o << "<svg class=\"timeline\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\" aria-label=\"executor memory\">\n";
  o << "<line class=\"mark\" x1=\"" << x(heap) << "\" x2=\"" << x(heap) << "\" y1=\"14\" y2=\"" << height << "\" stroke-dasharray=\"4 3\"><title>heap limit (spark.executor.memory) "
    << esc(fmt::bytes(heap)) << "</title></line>";
  o << "<text x=\"" << x(heap) << "\" y=\"11\" text-anchor=\"middle\">heap " << esc(fmt::bytes(heap)) << "</text>";
  o << "<line class=\"mark\" x1=\"" << x(limit) << "\" x2=\"" << x(limit) << "\" y1=\"14\" y2=\"" << height << "\"><title>container limit (heap + overhead) "
    << esc(fmt::bytes(limit)) << "</title></line>";
  o << "<text x=\"" << x(limit) << "\" y=\"24\" text-anchor=\"middle\">limit " << esc(fmt::bytes(limit)) << "</text>\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    double y = 28.0 + row * static_cast<double>(i);
    o << "<text x=\"4\" y=\"" << (y + 12) << "\">executor " << esc(r.id) << "</text>";
    if (r.rss)
      o << "<rect class=\"exec-removed\" x=\"" << left << "\" y=\"" << (y + 1) << "\" width=\"" << (x(*r.rss) - left) << "\" height=\"8\"><title>peak process RSS "
        << esc(fmt::bytes(*r.rss)) << "</title></rect>";
    if (r.heap_peak)
      o << "<rect class=\"job-ok\" x=\"" << left << "\" y=\"" << (y + 10) << "\" width=\"" << (x(*r.heap_peak) - left) << "\" height=\"8\"><title>peak JVM heap "
        << esc(fmt::bytes(*r.heap_peak)) << "</title></rect>";
    o << "\n";
  }
  o << "</svg>\n<div class=\"meta\">Upper bar: peak process-tree RSS (JVM + Python + other); lower bar: peak JVM heap. Dashed: spark.executor.memory; solid: heap + memoryOverhead.</div>\n";
}

void failed_tasks(std::ostringstream& o, const eventlog::AppModel& m) {
  if (m.failed_task_groups.empty()) return;
  o << "<h3>Failed task attempts</h3><table><tr><th class=\"num\">attempts</th><th>reason</th><th>detail</th><th>first</th><th>last</th><th>sample</th></tr>\n";
  size_t n = 0;
  for (const auto& g : m.failed_task_groups) {
    if (++n > 25) break;
    std::string sample = g.samples.empty() ? g.description : g.samples.front().message;
    if (sample.size() > 600) sample = sample.substr(0, 600) + "...";
    o << "<tr><td class=\"num\">" << g.count << "</td><td>" << esc(g.reason) << "</td><td class=\"mono\">" << esc(g.detail_key) << "</td><td class=\"mono\">"
      << esc(fmt::time_utc(g.first_time)) << "</td><td class=\"mono\">" << esc(fmt::time_utc(g.last_time)) << "</td><td><pre>" << esc(redact_for_report(sample))
      << "</pre></td></tr>\n";
  }
  o << "</table>\n";
}

const eventlog::AppModel* model_for(const ReportInput& in, const std::string& app_id) {
  if (!in.apps) return nullptr;
  for (const auto& m : *in.apps)
    if (m.app.app_id == app_id) return &m;
  return nullptr;
}

}  // namespace

std::string render_html(const ReportInput& in) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
       "<title>sparkmedic diagnosis";
  if (in.diagnoses && in.diagnoses->size() == 1) o << ": " << esc((*in.diagnoses)[0].app_id);
  o << "</title>\n<style>\n" << embedded::reports_report_css << "</style></head><body>\n";
  o << "<h1>sparkmedic diagnosis</h1>\n<div class=\"meta\">inputs: ";
  for (size_t i = 0; i < in.inputs.size(); ++i) o << (i ? ", " : "") << "<code>" << esc(in.inputs[i]) << "</code>";
  o << "</div>\n";
  if (in.diagnoses && in.diagnoses->empty()) o << "<p>No Spark application or failure evidence was found in the inputs.</p>\n";
  for (const auto& d : in.diagnoses ? *in.diagnoses : std::vector<diagnose::Diagnosis>{}) {
    o << "<section class=\"app\">\n<h2>" << esc(d.app_id.empty() ? "(no application id)" : d.app_id)
      << (d.app_name.empty() ? "" : " &middot; " + esc(d.app_name)) << "</h2>\n";
    o << "<div class=\"meta\">outcome <b>" << esc(d.outcome) << "</b>" << (d.spark_version.empty() ? "" : " &middot; Spark " + esc(d.spark_version))
      << "</div>\n";
    if (d.root_cause) {
      const auto& f = *d.root_cause;
      o << "<div class=\"verdict\"><div>Root cause</div><div class=\"cls\">" << esc(f.failure_class) << " <code>" << esc(f.code) << "</code></div><div>"
        << esc(redact_for_report(f.summary)) << "</div><div>confidence ";
      conf_bar(o, f.confidence);
      std::string href = safe_href(f.runbook_url);
      if (!href.empty()) o << " &middot; runbook <a href=\"" << href << "\">" << esc(f.runbook) << "</a>";
      o << "</div></div>\n";
    } else if (d.cannot_tell) {
      o << "<div class=\"verdict unsure\"><div class=\"cls\">Cannot tell</div><div>A problem is visible but the evidence in the inputs does not decide its cause.</div></div>\n";
    } else {
      o << "<div class=\"verdict none\"><div class=\"cls\">No failure found</div></div>\n";
    }
    if (!d.missing_data.empty()) {
      o << "<h3>Data that would decide</h3><ul>";
      for (const auto& m : d.missing_data) o << "<li>" << esc(m) << "</li>";
      o << "</ul>\n";
    }
    if (!d.findings.empty()) {
      o << "<h3>The story (root first, symptoms under their cause)</h3>\n";
      for (const auto& f : d.findings) finding_html(o, f, d.root_cause && f.failure_class == d.root_cause->failure_class);
    }
    if (const auto* m = model_for(in, d.app_id)) {
      o << "<h3>Timeline</h3>\n";
      timeline(o, *m, d);
      o << "<h3>Executor memory against its limit</h3>\n";
      memory_chart(o, *m);
      failed_tasks(o, *m);
    }
    if (!d.alerts.empty()) {
      o << "<h3>Alerts that fired</h3><table><tr><th>alert</th><th>severity</th><th>state</th><th>since</th><th>summary</th><th>runbook</th></tr>\n";
      for (const auto& a : d.alerts) {
        std::string href = safe_href(a.runbook_url);
        o << "<tr><td>" << esc(a.alertname) << "</td><td>" << esc(a.severity) << "</td><td>" << esc(a.state) << "</td><td class=\"mono\">"
          << (a.starts_at ? esc(fmt::time_utc(a.starts_at)) : "") << "</td><td>" << esc(redact_for_report(a.summary)) << "</td><td>";
        if (!href.empty()) o << "<a href=\"" << href << "\">runbook</a>";
        o << "</td></tr>\n";
      }
      o << "</table>\n";
    }
    if (!d.sources.empty()) {
      o << "<h3>Sources</h3><table><tr><th>source</th><th>status</th><th>detail</th></tr>\n";
      for (const auto& s : d.sources)
        o << "<tr><td>" << esc(s.name) << "</td><td class=\"src-" << esc(s.status) << "\">" << esc(s.status) << (s.truncated ? " (truncated)" : "")
          << "</td><td>" << esc(s.detail) << "</td></tr>\n";
      o << "</table>\n";
    }
    if (!d.notes.empty()) {
      o << "<h3>Reader notes</h3><ul>";
      for (const auto& n : d.notes) o << "<li>" << esc(redact_for_report(n)) << "</li>";
      o << "</ul>\n";
    }
    o << "</section>\n";
  }
  if (in.issues && !in.issues->empty()) {
    o << "<h2>Inputs that could not be read</h2><ul>";
    for (const auto& i : *in.issues) o << "<li><code>" << esc(i.source) << "</code>: " << esc(i.message) << "</li>";
    o << "</ul>\n";
  }
  if (in.rule_errors && !in.rule_errors->empty()) {
    o << "<h2>Pattern rules that failed</h2><ul>";
    for (const auto& e : *in.rule_errors) o << "<li><code>" << esc(e.where) << "</code>: " << esc(e.message) << "</li>";
    o << "</ul>\n";
  }
  o << "<div class=\"footer\">sparkmedic " << SPARKMEDIC_VERSION << " &middot; schema " << diagnose::kDiagnosisSchema
    << " &middot; generated offline; secrets are redacted.</div>\n</body></html>\n";
  return o.str();
}

}  // namespace sm::report
