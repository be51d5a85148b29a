#include "analyze/analyze.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "analyze/log_ingest.h"
#include "analyze/route.h"
#include "analyze/source_ingest.h"
#include "bundle/bundle_reader.h"
#include "bundle/manifest.h"
#include "codec/codec.h"
#include "diagnose/rank.h"
#include "diagnose/sql_functions.h"
#include "eventlog/layout.h"
#include "eventlog/reader.h"
#include "index/index_writer.h"
#include "match/matcher.h"
#include "util/temp_dir.h"
#include "analyze/analyze_internal.h"

namespace sm::embedded {
extern const std::string_view index_analysis_schema_sql;
}

namespace sm::analyze {
namespace {

namespace fs = std::filesystem;

class Borrowed final : public io::ByteSource {
 public:
  explicit Borrowed(io::ByteSource& inner) : inner_(inner) {}
  Result<size_t> read(std::span<char> out) override { return inner_.read(out); }
  const std::string& name() const override { return inner_.name(); }
  uint64_t raw_bytes_consumed() const override { return inner_.raw_bytes_consumed(); }
  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new) override {
    return inner_.take_rest(unread, max_new);
  }
  void release(std::string_view done) override { inner_.release(done); }

 private:
  io::ByteSource& inner_;
};

bool multi_part_log(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  size_t dslash = dir.rfind('/');
  std::string_view parent = dslash == std::string_view::npos ? dir : dir.substr(dslash + 1);
  return parent.substr(0, 12) == "eventlog_v2_" || name.substr(0, 10) == "EVENT_LOG_" ||
         name.substr(0, 18) == "COMPRESSION_CODEC_" || name == "APPLICATION_COMPLETE" ||
         name.substr(0, 14) == "SPARK_VERSION_" || name == "eventlog" || name.substr(0, 9) == "eventlog-";
}

Status spool_to(io::ByteSource& src, const std::string& dest) {
  std::error_code ec;
  fs::create_directories(fs::path(dest).parent_path(), ec);
  std::ofstream out(dest, std::ios::binary | std::ios::trunc);
  if (!out) return Error::io(dest + ": cannot create spool file");
  std::vector<char> buf(size_t{1} << 20);
  for (;;) {
    auto r = src.read(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) return r.take_error();
    if (*r == 0) break;
    out.write(buf.data(), static_cast<std::streamsize>(*r));
    if (!out) return Error::io(dest + ": write failed (disk full?)");
  }
  return ok_status();
}

// Everything gathered while reading the inputs.
struct Gathered {
  std::vector<eventlog::AppModel> apps;
  std::vector<eventlog::FileRef> deferred;  // multi-part event logs, read after the scan
  std::set<std::string> truncated_files;    // per the manifest
  std::vector<summary::InputIssue> issues;
  bool has_manifest = false;
};

}  // namespace

Result<AnalysisResult> analyze(const std::vector<std::string>& inputs, const AnalyzeOptions& opts,
                               const catalog::Catalog& catalog) {
  AnalysisResult result;
  auto matcher_r = match::Matcher::build(catalog);
  if (!matcher_r.ok()) return matcher_r.take_error();
  match::Matcher& matcher = **matcher_r;
  auto writer_r = index::IndexWriter::create(opts.index_path);
  if (!writer_r.ok()) return writer_r.take_error();
  index::IndexWriter& writer = **writer_r;
  sql::Db& db = writer.db();
  SM_TRY(db.exec(embedded::index_analysis_schema_sql));
  SM_TRY(db.exec("PRAGMA user_version = 2"));
  SM_TRY(writer.set_meta("schema_version", "2"));
  SM_TRY(diagnose::register_sql_functions(db));
  LogIngestor logs(db, matcher);
  SourceIngestor sources(db, logs);

  Gathered g;
  std::optional<TempDir> spool;
  for (const auto& input : inputs) {
    auto visit = [&](const bundle::Entry& e, io::ByteSource& content) -> Status {
      Route route = route_by_path(e.path);
      io::ByteSourcePtr holder;       // keeps a decoded/peeked stream alive for this entry
      io::ByteSource* stream = &content;
      std::optional<std::string> decoded_codec;
      if (route.kind == EntryKind::unknown) {
        // Not a bundle path: decode and look at the content.
        auto dec = codec::open_decoded(std::make_unique<Borrowed>(content), e.path, opts.load.read.decode);
        if (!dec.ok()) {
          g.issues.push_back({e.display_name, dec.error().message});
          return ok_status();
        }
        auto peek = std::make_unique<io::PeekableSource>(std::move(dec->stream));
        auto head = peek->peek(64 * 1024);
        if (!head.ok()) {
          g.issues.push_back({e.display_name, head.error().message});
          return ok_status();
        }
        route.kind = sniff_kind(*head);
        // A log outside a bundle (a file or a paste in a ticket) may be a driver's or an
        // executor's: every log signature applies.
        route.stream = route.kind == EntryKind::other_log
                           ? catalog::StreamMask{catalog::kDriverLog | catalog::kExecutorLog | catalog::kOtherLog}
                           : streams_for(route.kind);
        decoded_codec = std::string(codec::codec_name(dec->codec));
        holder = std::move(peek);
        stream = holder.get();
      }
      switch (route.kind) {
        case EntryKind::manifest: {
          auto text = io::read_all(*stream, uint64_t{64} << 20);
          if (!text.ok()) return ok_status();
          auto m = bundle::parse_manifest(*text, e.display_name);
          if (!m.ok()) {
            g.issues.push_back({e.display_name, m.error().message});
            return ok_status();
          }
          g.has_manifest = true;
          for (const auto& f : m->files)
            if (f.truncated) g.truncated_files.insert(f.path);
          auto st = sources.ingest_manifest(*m);
          if (!st.ok()) g.issues.push_back({e.display_name, st.error().message});
          return ok_status();
        }
        case EntryKind::eventlog: {
          if (multi_part_log(e.path)) {
            std::string dest = e.fs_path;
            if (dest.empty()) {
              if (!spool) {
                auto t = TempDir::create("sparkmedic-spool");
                if (!t.ok()) return t.take_error();
                spool.emplace(std::move(t.value()));
              }
              dest = spool->path() + "/" + e.path;
              if (auto st = spool_to(*stream, dest); !st.ok()) {
                g.issues.push_back({e.display_name, st.error().message});
                return ok_status();
              }
            }
            // The file on disk is still encoded; a spooled copy holds the decoded stream.
            const bool from_disk = !e.fs_path.empty();
            g.deferred.push_back({e.path, e.display_name, e.size, [dest]() { return io::open_file(dest); },
                                  from_disk ? std::nullopt : decoded_codec});
            return ok_status();
          }
          eventlog::FileRef ref{e.path, e.display_name, e.size,
                                [stream]() -> Result<io::ByteSourcePtr> { return io::ByteSourcePtr(std::make_unique<Borrowed>(*stream)); },
                                decoded_codec};
          for (const auto& in : eventlog::find_event_logs({ref})) {
            auto m = eventlog::read_event_log(in, opts.load.read);
            if (m.ok()) g.apps.push_back(std::move(m.value()));
            else g.issues.push_back({in.display_name, m.error().message});
          }
          return ok_status();
        }
        case EntryKind::driver_log:
        case EntryKind::executor_log:
        case EntryKind::other_log: {
          LogSource src;
          src.path = e.path;
          src.display = e.display_name;
          src.kind = route.kind == EntryKind::driver_log ? "driver_log"
                     : route.kind == EntryKind::executor_log ? "executor_log" : "other_log";
          src.stream = route.stream;
          src.executor_id = route.executor_id;
          src.truncated = g.truncated_files.count(e.path) > 0;
          io::ByteSourcePtr dec_holder;
          io::ByteSource* text = stream;
          if (!decoded_codec) {
            auto dec = codec::open_decoded(std::make_unique<Borrowed>(*stream), e.path, opts.load.read.decode);
            if (!dec.ok()) {
              g.issues.push_back({e.display_name, dec.error().message});
              return ok_status();
            }
            dec_holder = std::move(dec->stream);
            text = dec_holder.get();
          }
          auto r = logs.ingest(src, *text);
          if (!r.ok()) g.issues.push_back({e.display_name, r.error().message});
          return ok_status();
        }
        default: {
          auto st = sources.ingest(route.kind, e.path, e.display_name, *stream, g.truncated_files.count(e.path) > 0);
          if (!st.ok()) g.issues.push_back({e.display_name, st.error().message});
          return ok_status();
        }
      }
    };
    auto r = bundle::read_bundle(input, opts.load.limits, visit);
    if (!r.ok()) return Error{r.error().kind, r.error().message};
    for (const auto& is : r->issues) g.issues.push_back({is.path, is.message});
    if (r->stopped_by) g.issues.push_back({input, r->stopped_by->message});
  }
  for (const auto& in : eventlog::find_event_logs(std::move(g.deferred))) {
    auto m = eventlog::read_event_log(in, opts.load.read);
    if (m.ok()) g.apps.push_back(std::move(m.value()));
    else g.issues.push_back({in.display_name, m.error().message});
  }

  // The event-log models into the index, and their failure texts through the signatures.
  std::vector<int64_t> app_keys;
  for (const auto& m : g.apps) {
    auto key = writer.write_app(m);
    if (!key.ok()) return key.take_error();
    app_keys.push_back(*key);
    SM_TRY(scan_eventlog_texts(db, logs, *key));
  }
  if (g.apps.empty()) {
    // No event log (a pasted stack trace, a log file): one placeholder application so the
    // rules still run over the logs.
    SM_TRY(db.exec("INSERT INTO application(app_key, app_id, name, completed, in_progress, compacted, layout) "
                   "VALUES (1, '(no event log)', '', 0, 0, 0, 'none')"));
    app_keys.push_back(1);
  }
  SM_TRY(writer.finish());
  SM_TRY(db.exec("CREATE INDEX IF NOT EXISTS idx_match_class ON log_match(class, app_key)"));

  for (size_t i = 0; i < app_keys.size(); ++i) {
    const eventlog::AppModel* model = i < g.apps.size() ? &g.apps[i] : nullptr;
    auto d = diagnose::diagnose_app(db, catalog, app_keys[i], opts.correlate, result.rule_errors);
    if (!d.ok()) return d.take_error();
    diagnose::DataQuality dq = data_quality(db, app_keys[i], model, g.truncated_files);
    diagnose::rank(*d, catalog, dq, opts.correlate);
    fill_context(db, *d, model, app_keys[i]);
    SM_TRY(write_findings(db, *d, app_keys[i]));
    result.diagnoses.push_back(std::move(d.value()));
  }
  result.apps = std::move(g.apps);
  result.issues = std::move(g.issues);
  return result;
}

}  // namespace sm::analyze
