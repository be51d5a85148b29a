#pragma once
// Reports are pure functions of diagnoses: terminal text, JSON (sparkmedic.diagnosis/v1),
// Markdown for tickets, and one self-contained HTML file. Secrets are redacted again here, so
// a report never carries one even if the input did.
#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "diagnose/diagnosis.h"

namespace sm::report {

struct ReportInput {
  const std::vector<diagnose::Diagnosis>* diagnoses = nullptr;
  const std::vector<eventlog::AppModel>* apps = nullptr;   // timelines, executors (may be empty)
  const std::vector<summary::InputIssue>* issues = nullptr;
  const std::vector<diagnose::RuleError>* rule_errors = nullptr;
  std::vector<std::string> inputs;
};

std::string render_terminal(const ReportInput& in, bool color);
std::string render_json(const ReportInput& in);
std::string render_markdown(const ReportInput& in);
std::string render_html(const ReportInput& in);

// Replaces secret-looking values (Spark conf secrets, bearer tokens, Authorization headers,
// passwords in URLs, cloud keys) in text that goes into a report.
std::string redact_for_report(std::string_view text);

}  // namespace sm::report
