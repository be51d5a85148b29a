// Markdown for tickets: the root cause, its evidence as a code block, the fix, the runbook,
// then the other findings in a table.
#include <sstream>

#include "report/report.h"
#include "util/format.h"

namespace sm::report {
namespace {

std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out.push_back(c);
  }
  return out;
}

std::string fence_safe(std::string s) {
  // Never let evidence close the code fence early.
  for (size_t p = s.find("```"); p != std::string::npos; p = s.find("```", p + 3)) s.replace(p, 3, "'''");
  return s;
}

}  // namespace

std::string render_markdown(const ReportInput& in) {
  std::ostringstream o;
  for (const auto& d : *in.diagnoses) {
    o << "## sparkmedic diagnosis: `" << cell(d.app_id) << "`" << (d.app_name.empty() ? "" : " (" + cell(d.app_name) + ")") << "\n\n";
    o << "- **Outcome:** " << d.outcome << (d.spark_version.empty() ? "" : " (Spark " + d.spark_version + ")") << "\n";
    if (d.root_cause) {
      const auto& f = *d.root_cause;
      char conf[16];
      std::snprintf(conf, sizeof conf, "%.0f%%", f.confidence * 100.0);
      o << "- **Root cause:** `" << f.failure_class << "` [" << f.code << "], confidence " << conf << "\n";
      o << "- **Summary:** " << cell(redact_for_report(f.summary)) << "\n";
      if (f.first_ts) o << "- **First seen:** " << fmt::time_utc(f.first_ts) << "\n";
      o << "- **Runbook:** [" << f.runbook << "](" << f.runbook_url << ")\n\n";
      if (!f.evidence.empty()) {
        o << "### Evidence\n\n```text\n";
        for (size_t i = 0; i < f.evidence.size() && i < 12; ++i) {
          const auto& e = f.evidence[i];
          o << (e.location.empty() ? e.source : e.location) << "  " << fence_safe(redact_for_report(e.text)) << "\n";
        }
        o << "```\n\n";
      }
      if (!f.recommendations.empty()) {
        o << "### Fix\n\n";
        for (const auto& r : f.recommendations) {
          o << "- " << r.action;
          if (!r.config_key.empty()) o << " `" << r.config_key << (r.value.empty() ? "" : "=" + r.value) << "`";
          if (!r.why.empty()) o << " (" << r.why << ")";
          o << "\n";
        }
        o << "\n";
      }
    } else if (d.cannot_tell) {
      o << "- **Root cause:** cannot tell from the evidence in the bundle\n\n";
    } else {
      o << "- **Root cause:** none: no failure found\n\n";
    }
    if (d.findings.size() > (d.root_cause ? 1u : 0u)) {
      o << "### All findings\n\n| class | code | confidence | caused by | summary |\n|---|---|---:|---|---|\n";
      for (const auto& f : d.findings) {
        char conf[16];
        std::snprintf(conf, sizeof conf, "%.0f%%", f.confidence * 100.0);
        o << "| `" << f.failure_class << "` | " << f.code << " | " << conf << " | " << (f.explained_by ? *f.explained_by : "")
          << " | " << cell(redact_for_report(f.summary)) << " |\n";
      }
      o << "\n";
    }
    if (!d.missing_data.empty()) {
      o << "### Data that would decide\n\n";
      for (const auto& m : d.missing_data) o << "- " << m << "\n";
      o << "\n";
    }
  }
  return o.str();
}

}  // namespace sm::report
