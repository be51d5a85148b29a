// The terminal report: root cause first, its evidence, the fix, the runbook; then what else
// was found, and what data was missing.
#include <sstream>

#include "report/report.h"
#include "util/format.h"

namespace sm::report {
namespace {

std::string clip(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') {
      out += " | ";
      continue;
    }
    out.push_back(c == '\t' ? ' ' : c);
  }
  if (out.size() > max) out = out.substr(0, max - 3) + "...";
  return out;
}

struct Style {
  bool on;
  std::string bold(const std::string& s) const { return on ? "\033[1m" + s + "\033[0m" : s; }
  std::string red(const std::string& s) const { return on ? "\033[31m" + s + "\033[0m" : s; }
  std::string dim(const std::string& s) const { return on ? "\033[2m" + s + "\033[0m" : s; }
};

void finding_block(std::ostringstream& o, const diagnose::Finding& f, const Style& st, bool root) {
  char conf[16];
  std::snprintf(conf, sizeof conf, "%.0f%%", f.confidence * 100.0);
  o << (root ? st.red(st.bold("ROOT CAUSE  ")) : "  ") << st.bold(f.failure_class) << "  [" << f.code << "]  confidence "
    << conf << "\n";
  o << (root ? "  " : "    ") << redact_for_report(f.summary) << "\n";
  if (f.first_ts) o << (root ? "  " : "    ") << "first seen " << fmt::time_utc(f.first_ts) << "\n";
  if (!f.sources.empty()) {
    o << (root ? "  " : "    ") << "seen in: ";
    for (size_t i = 0; i < f.sources.size(); ++i) o << (i ? ", " : "") << f.sources[i];
    o << "\n";
  }
  size_t max_ev = root ? 8 : 3;
  if (!f.evidence.empty()) {
    o << (root ? "\n  Evidence\n" : "    evidence:\n");
    for (size_t i = 0; i < f.evidence.size() && i < max_ev; ++i) {
      const auto& e = f.evidence[i];
      o << (root ? "    " : "      ") << st.dim(e.location.empty() ? e.source : e.location) << "  "
        << clip(redact_for_report(e.text), 180) << "\n";
    }
    if (f.evidence.size() > max_ev) o << (root ? "    " : "      ") << "... " << (f.evidence.size() - max_ev) << " more\n";
  }
  if (!f.recommendations.empty() && root) {
    o << "\n  Fix\n";
    for (const auto& r : f.recommendations) {
      o << "    - " << r.action;
      if (!r.config_key.empty()) o << "  " << st.bold(r.config_key + (r.value.empty() ? "" : "=" + r.value));
      o << "\n";
      if (!r.why.empty()) o << "      " << st.dim(r.why) << "\n";
    }
  }
  o << (root ? "\n  Runbook: " : "    runbook: ") << f.runbook_url << "\n";
}

}  // namespace

std::string render_terminal(const ReportInput& in, bool color) {
  Style st{color};
  std::ostringstream o;
  for (const auto& d : *in.diagnoses) {
    o << st.bold("Application " + d.app_id) << (d.app_name.empty() ? "" : " \"" + d.app_name + "\"")
      << (d.spark_version.empty() ? "" : "  Spark " + d.spark_version) << "  outcome: " << d.outcome << "\n\n";
    if (d.root_cause) {
      finding_block(o, *d.root_cause, st, true);
    } else if (d.cannot_tell) {
      o << st.bold("CANNOT TELL") << ": the evidence does not decide a root cause.\n";
    } else {
      o << st.bold("NO PROBLEM FOUND") << ": no failure signature matched and the application did not fail.\n";
    }
    bool header = false;
    for (const auto& f : d.findings) {
      if (d.root_cause && f.failure_class == d.root_cause->failure_class) continue;
      if (!header) {
        o << "\n" << st.bold(d.root_cause ? "Also found (symptoms and contributing causes)" : "Findings") << "\n";
        header = true;
      }
      if (f.explained_by) o << "  " << st.dim("(caused by " + *f.explained_by + ")") << "\n";
      finding_block(o, f, st, false);
    }
    if (!d.missing_data.empty()) {
      o << "\n" << st.bold("Data that would decide") << "\n";
      for (const auto& m : d.missing_data) o << "  - " << m << "\n";
    }
    if (!d.alerts.empty()) {
      o << "\n" << st.bold("Alerts") << "\n";
      for (const auto& a : d.alerts)
        o << "  " << a.alertname << " (" << a.severity << ", " << a.state << ")" << (a.runbook_url.empty() ? "" : "  " + a.runbook_url)
          << "\n";
    }
    o << "\n";
  }
  if (in.issues && !in.issues->empty()) {
    o << st.bold("Input issues") << "\n";
    for (const auto& is : *in.issues) o << "  " << is.source << ": " << is.message << "\n";
  }
  if (in.rule_errors && !in.rule_errors->empty()) {
    o << st.bold("Pattern rule errors") << "\n";
    for (const auto& e : *in.rule_errors) o << "  " << e.where << ": " << e.message << "\n";
  }
  return o.str();
}

}  // namespace sm::report
