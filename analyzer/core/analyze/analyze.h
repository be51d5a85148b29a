#pragma once
// The analyzer's whole flow: bundle -> ingest -> SQLite index -> signature matches ->
// correlation -> ranked diagnosis, for every application in the inputs.
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "diagnose/correlate.h"
#include "diagnose/diagnosis.h"
#include "ingest/eventlog_loader.h"
#include "summary/summary.h"

namespace sm::analyze {

struct AnalyzeOptions {
  std::string patterns_dir;    // overlay for the embedded catalog ("" = embedded only)
  std::string index_path = ":memory:";
  ingest::LoadOptions load;
  diagnose::CorrelateOptions correlate;
};

struct AnalysisResult {
  std::vector<diagnose::Diagnosis> diagnoses;      // one per application
  std::vector<eventlog::AppModel> apps;            // the event-log models (for timelines)
  std::vector<summary::InputIssue> issues;         // unreadable inputs and entries
  std::vector<diagnose::RuleError> rule_errors;    // rules that failed to run
};

// Fails on an unusable catalog or an input that cannot be opened at all; everything else is
// reported in the result.
Result<AnalysisResult> analyze(const std::vector<std::string>& inputs, const AnalyzeOptions& options,
                               const catalog::Catalog& catalog);

}  // namespace sm::analyze
