#pragma once
// Scans one log file (driver, executor or other) with the signature database, streaming: the
// text is read in large chunks cut at line boundaries, each chunk is scanned once, and only
// matched lines are stored (with their line number, timestamp, a few lines of context and
// extracted values). The log itself stays in the bundle.
#include <cstdint>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "io/byte_source.h"
#include "match/matcher.h"
#include "util/sqlite.h"

namespace sm::analyze {

struct LogSource {
  std::string path;     // path in the bundle (or the file name)
  std::string display;  // for messages
  std::string kind;     // driver_log | executor_log | other_log
  catalog::StreamMask stream = 0;
  std::optional<std::string> executor_id, pod, container;
  std::optional<int64_t> app_key;
  bool truncated = false;  // the collector cut it (manifest)
};

struct LogIngestStats {
  int64_t file_id = 0;
  uint64_t bytes = 0;
  uint64_t lines = 0;
  uint64_t matches = 0;
  std::optional<int64_t> first_ts, last_ts;
  std::string format;  // log4j | json | kubectl | yarn | plain
};

class LogIngestor {
 public:
  LogIngestor(sql::Db& db, match::Matcher& matcher);
  ~LogIngestor();
  LogIngestor(const LogIngestor&) = delete;
  LogIngestor& operator=(const LogIngestor&) = delete;

  Result<LogIngestStats> ingest(const LogSource& src, io::ByteSource& decoded);

  // Scans one text that is not a file (an event-log failure message, a Kubernetes event) and
  // stores its matches with `ref` (e.g. "failed_task_group#3").
  Status scan_text(std::string_view text, catalog::Stream stream, const std::string& ref,
                   std::optional<int64_t> app_key, std::optional<int64_t> ts,
                   const std::optional<std::string>& executor_id = std::nullopt);

  static constexpr size_t kChunkBytes = size_t{4} << 20;
  static constexpr size_t kMaxMatchText = 4096;
  static constexpr size_t kContextBefore = 2;
  static constexpr size_t kContextAfter = 3;
  static constexpr size_t kMaxContext = 4096;
  static constexpr size_t kMaxMatchesPerSignature = 2000;  // per file: later matches are counted only

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sm::analyze
