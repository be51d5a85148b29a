#pragma once
// Ingestion of the structured sources of a bundle into the analysis tables: the manifest,
// Kubernetes objects and events, SparkApplications, Prometheus range dumps, Alertmanager
// alerts, Loki query results (whose lines go through the signature scan) and Jaeger traces.
#include <string>

#include "analyze/log_ingest.h"
#include "analyze/route.h"
#include "bundle/manifest.h"
#include "io/byte_source.h"
#include "util/sqlite.h"

namespace sm::analyze {

class SourceIngestor {
 public:
  SourceIngestor(sql::Db& db, LogIngestor& logs) : db_(db), logs_(logs) {}

  Status ingest_manifest(const bundle::Manifest& m);
  // Reads one structured file of the given kind. Unknown shapes are an error naming the file
  // and the field; what was read before the error stays.
  Status ingest(EntryKind kind, const std::string& path, const std::string& display, io::ByteSource& content,
                bool truncated);

 private:
  Result<int64_t> add_file(const std::string& path, EntryKind kind, uint64_t bytes, bool truncated);
  sql::Db& db_;
  LogIngestor& logs_;
};

}  // namespace sm::analyze
