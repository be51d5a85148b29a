#pragma once
// The staged bundle directory while sources run: which bundle paths are taken, what the
// collector knows about each staged file (source, origin, truncation, redactions), the caps,
// and one SourceRun per source that turns its outcome into a manifest record. Files are
// staged raw; redaction (redact_files.h) rewrites them afterwards, before the manifest.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bundle/manifest.h"
#include "bundle/manifest_builder.h"
#include "plan.h"
#include "util/result.h"

namespace sm::collect {

struct StagedFile {
  std::string bundle_path;
  bundle::FileNote note;
};

class Staging {
 public:
  Staging(std::string dir, CapTracker caps) : dir_(std::move(dir)), caps_(caps) {}

  const std::string& dir() const { return dir_; }
  std::string path_of(const std::string& bundle_path) const { return dir_ + "/" + bundle_path; }
  CapTracker& caps() { return caps_; }

  // Takes a bundle path for a file; false when it is already taken.
  bool claim(const std::string& bundle_path) { return claimed_.insert(bundle_path).second; }
  bool taken(const std::string& bundle_path) const { return claimed_.count(bundle_path) != 0; }
  // Creates the parent directories of a bundle path.
  Status make_parent(const std::string& bundle_path) const;

  void add(StagedFile f) { files_.push_back(std::move(f)); }
  std::vector<StagedFile>& files() { return files_; }
  // Forgets a staged file and deletes it (a download that turned out to be an error page,
  // a file withheld by the re-scan).
  void remove(const std::string& bundle_path);
  // Renames a staged file (a re-encoded event log gets the new codec's suffix).
  Status rename(const std::string& from, const std::string& to);
  size_t files_of(const std::string& source) const;

 private:
  std::string dir_;
  CapTracker caps_;
  std::set<std::string> claimed_;
  std::vector<StagedFile> files_;
};

// One source's outcome while it runs.
class SourceRun {
 public:
  SourceRun(std::string name, std::string kind);
  void error(std::string e) { errors_.push_back(std::move(e)); }
  void note(std::string n) { notes_.push_back(std::move(n)); }
  // The whole source is skipped (not configured, app not found, nothing selected).
  void skip(std::string reason) { skip_reason_ = std::move(reason); }
  bool skipped() const { return skip_reason_.has_value(); }
  const std::string& name() const { return record_.name; }

  // The manifest record: failed when any error was recorded, skipped when skip() was called
  // or nothing was staged (with the notes as the reason), else collected.
  bundle::SourceRecord finish(size_t staged_files, std::optional<uint64_t> cap);

 private:
  bundle::SourceRecord record_;
  int64_t t0_ms_ = 0;
  std::vector<std::string> errors_;
  std::vector<std::string> notes_;
  std::optional<std::string> skip_reason_;
};

}  // namespace sm::collect
