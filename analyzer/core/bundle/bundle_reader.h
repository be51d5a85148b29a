#pragma once
// Reads a bundle in any of the forms people hand us: a directory, an archive (.tar, .tar.gz,
// .tgz, .tar.zst, .zip), a single file (a log pasted into a ticket, one event log), or "-" for
// stdin (an archive or a single file). Entries stream to a visitor one at a time; nothing is
// extracted to disk by the reader itself. Archive safety is enforced here: no path traversal,
// no symlinks or hard links followed, no devices, and limits on entry count, entry size, total
// expanded size and expansion ratio.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/byte_source.h"
#include "util/result.h"

namespace sm::bundle {

struct ReadLimits {
  uint64_t max_entries = 200000;
  uint64_t max_entry_bytes = uint64_t{64} << 30;   // one entry, expanded
  uint64_t max_total_bytes = uint64_t{256} << 30;  // all entries, expanded
  double max_ratio = 1000.0;                       // expanded / archive bytes ...
  uint64_t ratio_check_after = uint64_t{1} << 30;  // ... checked once 1 GiB has been expanded
};

enum class InputForm { directory, archive, single_file, stdin_single, stdin_archive };

struct Entry {
  // Path relative to the bundle root with '/' separators, normalized (no "..", no leading
  // "/", no "./"). A single top-level directory that holds manifest.json is stripped, so
  // "sparkmedic-bundle-x/eventlogs/a.zstd" is reported as "eventlogs/a.zstd".
  std::string path;
  // Declared size in bytes, or -1 when unknown (stdin).
  int64_t size = -1;
  // Where to say the bytes came from in messages: "bundle.tar.zst:eventlogs/a.zstd".
  std::string display_name;
  // For directory inputs: the real file path (lets callers reopen it later without spooling).
  std::string fs_path;
};

// Something the reader skipped or refused, with why (reported, never fatal for the rest).
struct ReadIssue {
  std::string path;     // entry path as found in the archive (may be hostile: "../../etc/passwd")
  std::string message;  // one line
};

struct ReadReport {
  InputForm form = InputForm::single_file;
  uint64_t entries = 0;
  uint64_t expanded_bytes = 0;
  std::vector<ReadIssue> issues;  // skipped entries: traversal, symlinks, devices, oversize
  // Set when reading stopped early (a global limit, a corrupt archive in the middle, or the
  // visitor's error). Entries visited before it were delivered and stay valid: nothing read
  // is lost.
  std::optional<Error> stopped_by;
};

// Called once per regular-file entry. `content` streams the entry's bytes and is valid only
// during the call (archives are sequential). Returning an error stops the read; the error
// comes back as ReadReport::stopped_by (read_bundle itself succeeds, so the entries already
// delivered and the issues found are not lost). Limits on the entry's size are enforced
// inside `content` (reads fail with ErrorKind::limit); a visitor that just passes that
// per-entry limit error on does not stop the read: the entry is reported and the reader
// moves on, as it does when the visitor swallows the error.
using EntryVisitor = std::function<Status(const Entry& entry, io::ByteSource& content)>;

// Reads `input` (a path, or "-" for stdin). Only errors that prevent reading anything (not
// found, unreadable, empty archive header) are returned as errors; a bad entry in the middle
// becomes a ReadIssue and the rest is still read; a stop in the middle is
// ReadReport::stopped_by.
Result<ReadReport> read_bundle(const std::string& input, const ReadLimits& limits,
                               const EntryVisitor& visit);

}  // namespace sm::bundle
