#pragma once
// Collection-time redaction of every staged file, in three steps (docs/collector.md,
// "Redaction"):
//   1. redact_staged_files: each text file (logs, REST answers, event logs, decoded when
//      compressed) goes through the rule engine; a file nothing fires in keeps its bytes
//      exactly. Compressed event logs that had secrets are rewritten as zstd (the analyzer
//      reads every codec Spark writes; only zstd can be written here), renamed to .zstd.
//      The values replaced are remembered (in memory only) as known values.
//   2. sweep_and_rescan: every staged file is scanned again with the rules plus the known
//      values, wherever they appear (a secret printed bare in a log, away from its key). Text
//      is rewritten once more when the sweep fires; then it is scanned a last time.
//   3. Whatever still matches (a binary file the rules cannot rewrite, or a defect) is
//      withheld from the bundle, and the re-scan reports it: the collector fails loudly.
#include <string>
#include <vector>

#include "bundle/manifest.h"
#include "redact/redactor.h"
#include "staging.h"

namespace sm::collect {

struct RedactionReport {
  redact::Counts counts;               // what was replaced, per rule
  std::vector<std::string> harvest;    // replaced values (never written anywhere)
  bundle::Rescan rescan;               // step 2-3 outcome
  // Per source name: things worth a note (a compressed file that could not be fully decoded,
  // a withheld file).
  std::vector<std::pair<std::string, std::string>> notes;
};

// Step 1.
void redact_staged_files(Staging& staging, const redact::Redactor& rules, RedactionReport& report);
// Steps 2 and 3. `full` is the rules plus report.harvest as known values.
void sweep_and_rescan(Staging& staging, const redact::Redactor& full, RedactionReport& report);

// Redacts the strings the collector itself writes into the manifest (command line, reasons,
// errors, notes, origins) and reports what a scan of the final JSON still finds.
void redact_manifest_strings(bundle::Manifest& m, const redact::Redactor& full, redact::Counts& counts);
void rescan_manifest(const bundle::Manifest& m, const redact::Redactor& full, bundle::Rescan& rescan);

}  // namespace sm::collect
