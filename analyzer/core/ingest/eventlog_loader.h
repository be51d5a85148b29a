#pragma once
// Finds and reads every Spark event log in the inputs people give the analyzer: a bundle
// (archive or directory), a History Server /logs zip, a directory of event logs, one event log
// file (any codec), or "-" for stdin.
#include <string>
#include <vector>

#include "bundle/bundle_reader.h"
#include "eventlog/reader.h"
#include "summary/summary.h"

namespace sm::ingest {

struct LoadOptions {
  eventlog::ReadOptions read;
  bundle::ReadLimits limits;
};

struct LoadedEventLogs {
  std::vector<eventlog::AppModel> apps;
  std::vector<summary::InputIssue> issues;  // unreadable inputs/entries, skipped files
  size_t files_seen = 0;
};

// Reads all inputs. Fails only if an input cannot be opened at all; everything else (an
// entry that is not an event log, a corrupt part) is an issue and the rest is still read.
Result<LoadedEventLogs> load_event_logs(const std::vector<std::string>& inputs, const LoadOptions& options);

}  // namespace sm::ingest
