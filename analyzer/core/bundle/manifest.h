#pragma once
// The bundle manifest (docs/bundle-format.md, schema "sparkmedic.bundle/v1"): what the
// collector gathered, from where, under which caps, what it could not gather and why, and a
// size + SHA-256 for every file. Plain structs; to_json() writes it and parse_manifest() reads
// it back, ignoring fields it does not know (later v1.x writers may add some) and refusing a
// newer major version with a message that says so.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace sm::bundle {

inline constexpr std::string_view kManifestFileName = "manifest.json";
// What writers put in "schema". Readers accept "sparkmedic.bundle/v1" and "…/v1.<minor>".
inline constexpr std::string_view kSchemaV1 = "sparkmedic.bundle/v1";
// What sparkmedic-collect writes since the network sources arrived: v1 plus optional fields
// (sources[].notes, files[].redactions, redaction.rescan).
inline constexpr std::string_view kSchemaV1_1 = "sparkmedic.bundle/v1.1";
inline constexpr std::string_view kSchemaPrefix = "sparkmedic.bundle/v";
inline constexpr uint64_t kSchemaMajor = 1;
// A manifest larger than this is not one we wrote (a million files is ~300 MB of JSON, far
// beyond any real bundle); readers refuse it before parsing.
inline constexpr uint64_t kMaxManifestBytes = uint64_t{256} << 20;

// files[].content_type values written by this version. Readers must accept any string:
// later collectors add types, and an unknown type just means "not parsed by this analyzer".
namespace content_type {
inline constexpr std::string_view kEventLog = "spark-eventlog";                   // single-file log
inline constexpr std::string_view kEventLogRollingPart = "spark-eventlog-rolling-part";  // events_N_*
inline constexpr std::string_view kEventLogStatus = "spark-eventlog-status";      // appstatus_* marker
inline constexpr std::string_view kEventLogLegacyPart = "spark-eventlog-legacy-part";  // Spark 1.x dir
inline constexpr std::string_view kLog = "log";
inline constexpr std::string_view kJson = "json";
inline constexpr std::string_view kBinary = "binary";
}  // namespace content_type

enum class SourceStatus { collected, skipped, failed };
std::string_view to_string(SourceStatus s);

struct CollectorInfo {
  std::string name;
  std::string version;
};

// RFC 3339 instants; nullopt means open-ended.
struct TimeWindow {
  std::optional<std::string> start;
  std::optional<std::string> end;
};

struct Target {
  std::vector<std::string> application_ids;
  std::optional<std::string> application_name;
  std::optional<std::string> namespace_name;  // "namespace" in JSON
  std::optional<std::string> label_selector;
};

struct SourceRecord {
  std::string name;  // unique in the manifest: "eventlogs", "driver-logs", "history-server"
  std::string kind;  // what collected it: "local-eventlog", "local-log", "spark-history-rest"
  SourceStatus status = SourceStatus::collected;
  std::optional<std::string> reason;  // why it was skipped (required when skipped)
  std::optional<std::string> error;   // why it failed (required when failed)
  std::optional<std::string> started_at;
  uint64_t duration_ms = 0;
  uint64_t files = 0;  // files this source put in the bundle
  uint64_t bytes = 0;  // their total size in the bundle
  std::optional<uint64_t> cap_bytes;  // the byte cap that applied (null: none)
  bool truncated = false;             // some file was cut at the cap
  std::vector<std::string> notes;     // v1.1: what a collected source left out and why
};

struct FileRecord {
  std::string path;    // relative to the bundle root, normalized ("eventlogs/app-1.zstd")
  std::string source;  // SourceRecord::name
  uint64_t size = 0;   // bytes in the bundle
  std::string sha256;  // of the bytes in the bundle, 64 lowercase hex digits
  bool truncated = false;
  std::optional<uint64_t> original_size;  // when truncated: the size at the origin
  std::string content_type;               // see content_type::
  std::optional<std::string> origin;      // file path or URL it came from, credentials removed
  uint64_t redactions = 0;                // v1.1: values redacted in this file (0: written only if > 0)
};

struct RedactionCount {
  std::string rule;
  uint64_t count = 0;
};

// v1.1: the collector's re-scan of everything it wrote, after redaction.
struct RescanFinding {
  std::string path;  // a bundle path, or "manifest.json"
  std::string rule;
  uint64_t count = 0;
};
struct Rescan {
  std::string status;  // "clean" or "failed"
  uint64_t files = 0;  // files scanned (manifest.json included)
  uint64_t bytes = 0;  // bytes scanned (decoded bytes for compressed files)
  std::vector<RescanFinding> findings;  // what survived redaction (counts, never values)
  std::vector<std::string> withheld;    // files left out of the bundle because of findings
};

// Counts only: a manifest never carries a redacted value.
struct Redaction {
  std::vector<RedactionCount> rules;
  uint64_t total = 0;
  std::optional<Rescan> rescan;
};

// The caps the collector ran with (null: unlimited).
struct Limits {
  std::optional<uint64_t> max_total_bytes;
  std::optional<uint64_t> max_source_bytes;
};

struct Manifest {
  std::string schema = std::string(kSchemaV1);
  CollectorInfo collector;
  std::string created_at;                 // RFC 3339 UTC
  std::vector<std::string> command_line;  // argv, secrets redacted
  TimeWindow window;
  Target target;
  Limits limits;
  std::vector<SourceRecord> sources;
  std::vector<FileRecord> files;
  Redaction redaction;

  const FileRecord* find_file(std::string_view path) const;
  const SourceRecord* find_source(std::string_view name) const;
};

// Pretty-printed JSON, ending with a newline.
std::string to_json(const Manifest& m);

// Parses and validates a manifest. `where` names it in errors, which are one line and name
// the field: "b.tar.zst:manifest.json: files[3].sha256: expected a string".
// ErrorKind::unsupported for a newer major schema, bad_input for everything else.
Result<Manifest> parse_manifest(std::string_view json, std::string_view where);

// RFC 3339 date-time check ("2024-05-01T10:00:00Z", "...00.123+02:00").
bool is_rfc3339(std::string_view s);

}  // namespace sm::bundle
