#include "analyze/source_ingest.h"

#include "analyze/log_time.h"

#include "analyze/structured_ingest.h"

namespace sm::analyze {

Status SourceIngestor::ingest_manifest(const bundle::Manifest& m) {
  auto st = db_.prepare(
      "INSERT INTO manifest_source(name, kind, status, reason, error, files, bytes, truncated) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!st.ok()) return st.take_error();
  for (const auto& s : m.sources)
    SM_TRY(st->bind(1, s.name).bind(2, s.kind).bind(3, std::string(bundle::to_string(s.status))).bind(4, s.reason)
               .bind(5, s.error).bind(6, static_cast<int64_t>(s.files)).bind(7, static_cast<int64_t>(s.bytes))
               .bind(8, s.truncated).exec());
  // When the bundle was taken: rules compare it with the application's last event to tell a
  // stalled application from one that was still making progress.
  if (auto t = parse_line_time(m.created_at)) {
    auto meta = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('bundle_created_at_ms', ?1)");
    if (!meta.ok()) return meta.take_error();
    SM_TRY(meta->bind(1, std::to_string(*t)).exec());
  }
  return ok_status();
}

Result<int64_t> SourceIngestor::add_file(const std::string& path, EntryKind kind, uint64_t bytes, bool truncated) {
  auto st = db_.prepare("INSERT INTO source_file(path, kind, bytes, truncated) VALUES (?1,?2,?3,?4)");
  if (!st.ok()) return st.take_error();
  SM_TRY(st->bind(1, path).bind(2, kind_name(kind)).bind(3, static_cast<int64_t>(bytes)).bind(4, truncated).exec());
  return db_.last_insert_rowid();
}

Status SourceIngestor::ingest(EntryKind kind, const std::string& path, const std::string& display,
                              io::ByteSource& content, bool truncated) {
  // Structured sources are JSON documents of bounded size (the collector caps them).
  constexpr uint64_t kMaxDocument = uint64_t{512} << 20;
  auto text = io::read_all(content, kMaxDocument);
  if (!text.ok()) return text.take_error();
  auto file_id = add_file(path, kind, text->size(), truncated);
  if (!file_id.ok()) return file_id.take_error();
  StructuredContext ctx{db_, logs_, *file_id, path, display};
  switch (kind) {
    case EntryKind::k8s_pods: return ingest_k8s_pods(ctx, *text);
    case EntryKind::k8s_events: return ingest_k8s_events(ctx, *text);
    case EntryKind::k8s_sparkapplications: return ingest_k8s_sparkapplications(ctx, *text);
    case EntryKind::k8s_nodes: return ingest_k8s_nodes(ctx, *text);
    case EntryKind::prometheus: return ingest_prometheus(ctx, *text);
    case EntryKind::alertmanager: return ingest_alertmanager(ctx, *text);
    case EntryKind::loki: return ingest_loki(ctx, *text);
    case EntryKind::jaeger: return ingest_jaeger(ctx, *text);
    case EntryKind::history:
    case EntryKind::spark_ui:
      // History Server / Spark UI REST answers: the event log carries the same facts, so
      // these are kept as files for the report and not parsed further.
      return ok_status();
    default: return ok_status();
  }
}

}  // namespace sm::analyze
