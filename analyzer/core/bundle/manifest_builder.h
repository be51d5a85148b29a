#pragma once
// ManifestBuilder: the collector records its sources (status, caps, timing) and, per file,
// only what it alone knows (where the file came from, whether it was cut at a cap); the
// builder walks the staged directory, measures and hashes every file, attributes it to a
// source, totals each source, and writes manifest.json. So sizes and digests always describe
// the bytes actually in the bundle.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/manifest.h"
#include "util/result.h"

namespace sm::bundle {

// What the collector knows about one staged file.
struct FileNote {
  std::string source;        // SourceRecord::name; empty: by the source's directory
  std::string content_type;  // empty: guess_content_type(path)
  std::optional<std::string> origin;
  bool truncated = false;
  std::optional<uint64_t> original_size;
  uint64_t redactions = 0;  // values the collector redacted in this file
};

class ManifestBuilder {
 public:
  explicit ManifestBuilder(std::string staged_dir) : staged_dir_(std::move(staged_dir)) {}

  // The header fields (collector, created_at, command line, window, target, limits,
  // redaction) are filled in directly.
  Manifest& manifest() { return manifest_; }

  // Adds a source. Files under any of `dirs` ("logs/driver") belong to it unless a note
  // says otherwise. source(name) finds it again for updates.
  void add_source(SourceRecord record, std::vector<std::string> dirs = {});
  SourceRecord* source(std::string_view name);

  // Describes one staged file (path relative to the staged directory).
  void note_file(const std::string& path, FileNote note);

  // Walks the staged directory and writes <staged>/manifest.json. Fails if a file belongs to
  // no source (a collector bug: every byte in a bundle must say where it came from).
  // `before_write`, when given, sees the measured manifest last and may change it (the
  // collector redacts its own strings and records its re-scan there).
  Result<Manifest> finish(const std::function<void(Manifest&)>& before_write = nullptr);

 private:
  const SourceRecord* owner_of(const std::string& path, const FileNote* note) const;

  std::string staged_dir_;
  Manifest manifest_;
  std::vector<std::pair<std::string, std::string>> source_dirs_;  // (dir prefix with '/', source name)
  std::map<std::string, FileNote> notes_;
};

// The content type a bundle path implies (docs/bundle-format.md lists them): event-log files,
// rolling parts and status markers under eventlogs/, "log" under logs/, "json" for *.json,
// else "binary".
std::string guess_content_type(std::string_view path);

}  // namespace sm::bundle
