#pragma once
// The collection plan: for each source, which files will be read, from where, to which path
// in the bundle, and how the byte caps will cut them. --dry-run prints it; staging executes
// it. Building a plan only looks at file metadata (stat, directory listings), never at file
// contents, so a dry run is cheap and touches nothing.
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "options.h"

namespace sm::collect {

struct PlannedFile {
  std::string origin;       // absolute path it is read from
  std::string bundle_path;  // "eventlogs/eventlog_v2_app-1/events_1_app-1.zstd"
  uint64_t size = 0;        // at planning time
  std::string content_type;
};

struct PlannedSource {
  std::string name;  // "eventlogs", "driver-logs", "executor-logs", "other-logs"
  std::string kind;  // "local-eventlog", "local-log"
  std::vector<std::string> dirs;  // bundle directories it owns
  std::vector<PlannedFile> files;
  std::vector<std::string> errors;  // requested but unavailable (missing path, unreadable dir)
  std::vector<std::string> notes;   // why something requested selected nothing
  bool requested = false;           // the command line asked for this source at all
  std::string not_requested_reason;
  std::set<std::string> roots;    // claimed bundle paths (files and directories)
  std::set<std::string> origins;  // canonical origins already planned

  // Claims "<top>/<name>" for one selected file or directory; if an earlier selection from
  // elsewhere already holds that name, "<top>/dup-<N>/<name>" (so two rolling directories of
  // the same name never mix their parts).
  std::string claim_root(const std::string& top, const std::string& leaf);
  // Adds a file unless the same origin (after resolving links) is already planned.
  void add_file(const std::string& origin, std::string bundle_path, uint64_t size);

  bool failed() const { return !errors.empty(); }
  bool skipped() const { return errors.empty() && files.empty(); }
  std::string skip_reason() const;
  std::string error_text() const;
};

struct Plan {
  std::vector<PlannedSource> sources;
};

// Selects every local source the options name. Never fails: problems are recorded in the
// sources (errors, notes).
Plan build_plan(const Options& options);

// Byte caps, applied in plan order (event logs first: they matter most to a diagnosis).
class CapTracker {
 public:
  CapTracker(std::optional<uint64_t> max_total, std::optional<uint64_t> max_source)
      : total_left_(max_total), max_source_(max_source) {}
  void begin_source() { source_left_ = max_source_; }
  // How many of `wanted` bytes may be copied now; records them as used.
  uint64_t grant(uint64_t wanted);
  // For answers of unknown size: how many bytes may still be written (UINT64_MAX: no cap),
  // and how many were then used.
  uint64_t available() const;
  void consume(uint64_t used);

 private:
  std::optional<uint64_t> total_left_;
  std::optional<uint64_t> max_source_;
  std::optional<uint64_t> source_left_;
};

// The --dry-run output: output path and format, caps, and per source what would be read
// (origin -> bundle path, size, cut at N bytes) or why nothing would be.
void print_plan(std::ostream& out, const Options& options, const Plan& plan);

// "1.5 GiB" (for people; the manifest keeps exact byte counts).
std::string human_bytes(uint64_t n);

}  // namespace sm::collect
