#include "stage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bundle/bundle_verify.h"
#include "bundle/bundle_writer.h"
#include "bundle/manifest_builder.h"
#include "redact_files.h"
#include "sources/observability.h"
#include "sources/spark_rest.h"
#include "staging.h"
#include "time_util.h"
#include "util/temp_dir.h"

namespace sm::collect {
namespace {

namespace fs = std::filesystem;

constexpr size_t kCopyChunk = 256 * 1024;
constexpr std::string_view kCollectorName = "sparkmedic-collect";

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now so a failing close (NFS, full disk) is reported.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string errno_text() { return std::strerror(errno); }

Status write_all(int fd, const char* p, size_t n, const std::string& dest) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Error::io(dest + ": cannot write: " + errno_text());
    p += w;
    n -= static_cast<size_t>(w);
  }
  return ok_status();
}

void fill_header(bundle::Manifest& m, const Options& o) {
  m.collector = {std::string(kCollectorName), SPARKMEDIC_VERSION};
  m.created_at = rfc3339_utc(o.started);
  m.command_line = o.command_line;
  if (o.since) m.window.start = rfc3339_utc(*o.since);
  if (o.until) m.window.end = rfc3339_utc(*o.until);
  m.target.application_ids = o.app_ids;
  m.target.application_name = o.app_name;
  m.target.namespace_name = o.namespace_name;
  m.limits.max_total_bytes = o.max_total_bytes;
  m.limits.max_source_bytes = o.max_source_bytes;
  m.schema = std::string(bundle::kSchemaV1_1);
}

// Copies one planned source into the staging area; returns its record (files and bytes are
// filled in by the manifest builder).
bundle::SourceRecord stage_source(const PlannedSource& s, Staging& staging, const Options& o) {
  SourceRun run(s.name, s.kind);
  for (const auto& e : s.errors) run.error(e);
  for (const auto& n : s.notes) run.note(n);
  if (!s.requested) run.skip(s.not_requested_reason);
  staging.caps().begin_source();
  for (const auto& f : s.files) {
    const uint64_t granted = staging.caps().grant(f.size);
    uint64_t origin_size = 0;
    staging.claim(f.bundle_path);
    const std::string dest = staging.path_of(f.bundle_path);
    auto n = copy_prefix(f.origin, dest, granted, &origin_size);
    if (!n.ok()) {
      run.error(n.error().message);
      (void)remove_tree(dest);
      continue;
    }
    StagedFile sf;
    sf.bundle_path = f.bundle_path;
    sf.note.source = s.name;
    sf.note.content_type = f.content_type;
    sf.note.origin = f.origin;
    sf.note.truncated = *n < origin_size;
    if (sf.note.truncated) sf.note.original_size = origin_size;
    staging.add(std::move(sf));
  }
  // A source that selected files reports only its errors; one that selected nothing says why.
  bundle::SourceRecord rec = run.finish(staging.files_of(s.name), o.max_source_bytes);
  if (rec.status == bundle::SourceStatus::skipped && s.requested) rec.reason = s.skip_reason();
  return rec;
}

void add_note(std::vector<bundle::SourceRecord>& records, const std::string& source, const std::string& note) {
  for (auto& r : records)
    if (r.name == source) r.notes.push_back(note);
}

}  // namespace

Result<uint64_t> copy_prefix(const std::string& origin, const std::string& dest, uint64_t max_bytes,
                             uint64_t* origin_size) {
  // O_NONBLOCK: if the path became a fifo since planning, open must not wait for a writer
  // (fstat then refuses it); it changes nothing for regular files.
  Fd in(::open(origin.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (in.get() < 0) return Error::io(origin + ": cannot open: " + errno_text());
  struct stat st {};
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) return Error::io(origin + ": not a regular file");
  *origin_size = static_cast<uint64_t>(st.st_size);
  std::error_code ec;
  fs::create_directories(fs::path(dest).parent_path(), ec);
  if (ec) return Error::io(dest + ": cannot create directory: " + ec.message());
  Fd out(::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (out.get() < 0) return Error::io(dest + ": cannot create: " + errno_text());
  std::vector<char> buf(kCopyChunk);
  uint64_t copied = 0;
  while (copied < max_bytes) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), max_bytes - copied));
    ssize_t r = ::read(in.get(), buf.data(), want);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error::io(origin + ": read failed: " + errno_text());
    if (r == 0) break;
    SM_TRY(write_all(out.get(), buf.data(), static_cast<size_t>(r), dest));
    copied += static_cast<uint64_t>(r);
  }
  // The copy keeps the origin's mtime: the analyzer and the archive both use it.
  const std::array<timespec, 2> times = {st.st_mtim, st.st_mtim};
  if (::futimens(out.get(), times.data()) != 0) return Error::io(dest + ": cannot set mtime: " + errno_text());
  if (!out.close()) return Error::io(dest + ": cannot write: " + errno_text());
  // A live log may have grown since fstat; what counts is what was there when we opened it.
  if (copied > *origin_size) *origin_size = copied;
  return copied;
}

// The alerts --from-alert read: the analyzer shows them (and their runbooks) even when
// Alertmanager itself was not reachable or has forgotten them.
bundle::SourceRecord stage_alert_payload(NetContext& ctx) {
  SourceRun run("alert", "alert-payload");
  ctx.staging.caps().begin_source();
  const Options& o = ctx.options;
  if (!o.from_alert) {
    run.skip("not requested: no --from-alert given");
    return run.finish(0, o.max_source_bytes);
  }
  for (const auto& n : o.from_alert_notes) run.note(n);
  if (auto st = stage_bytes(ctx, run.name(), "alert/from-alert.json", o.from_alert_json,
                            *o.from_alert == "-" ? std::string("stdin") : *o.from_alert);
      !st.ok())
    run.error(st.error().message);
  return run.finish(ctx.staging.files_of(run.name()), o.max_source_bytes);
}

Result<CollectResult> collect(const Options& o, const Plan& plan, HttpClient& http) {
  auto tmp = TempDir::create("sparkmedic-collect");
  if (!tmp.ok()) return tmp.take_error();
  const std::string staged = tmp->file(o.bundle_name);
  const std::string scratch = tmp->file("scratch");
  std::error_code ec;
  fs::create_directory(staged, ec);
  if (!ec) fs::create_directory(scratch, ec);
  if (ec) return Error::io(staged + ": cannot create: " + ec.message());

  Staging staging(staged, CapTracker(o.max_total_bytes, o.max_source_bytes));
  std::vector<bundle::SourceRecord> records;
  std::vector<std::vector<std::string>> dirs;
  // Local sources first (event logs matter most to a diagnosis and are cheap to read), then
  // the REST servers (which tell the window), then metrics and alerts over that window.
  for (const auto& s : plan.sources) {
    records.push_back(stage_source(s, staging, o));
    dirs.push_back(s.dirs);
  }
  NetContext net{o, staging, http, scratch, {}};
  records.push_back(collect_spark_rest(net, SparkRest::history_server));
  dirs.push_back({"history"});
  records.push_back(collect_spark_rest(net, SparkRest::spark_ui));
  dirs.push_back({"spark-ui"});
  records.push_back(collect_prometheus(net));
  dirs.push_back({"prometheus"});
  records.push_back(collect_alertmanager(net));
  dirs.push_back({"alertmanager"});
  records.push_back(stage_alert_payload(net));
  dirs.push_back({"alert"});

  // Redaction of everything staged, then the sweep and re-scan (redact_files.h).
  RedactionReport red;
  auto rules = redact::Redactor::create({o.redact_rules, {}});
  if (!rules.ok()) return rules.take_error();
  redact_staged_files(staging, **rules, red);
  auto full = redact::Redactor::create({o.redact_rules, red.harvest});
  if (!full.ok()) return full.take_error();
  sweep_and_rescan(staging, **full, red);
  for (const auto& [source, note] : red.notes) add_note(records, source, note);

  bundle::ManifestBuilder builder(staged);
  fill_header(builder.manifest(), o);
  for (const auto& [id, info] : net.apps) {
    auto& ids = builder.manifest().target.application_ids;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  CollectResult result;
  for (size_t i = 0; i < records.size(); ++i) {
    result.any_source_failed = result.any_source_failed || records[i].status == bundle::SourceStatus::failed;
    builder.add_source(std::move(records[i]), dirs[i]);
  }
  for (const auto& f : staging.files()) builder.note_file(f.bundle_path, f.note);
  redact::Counts counts;
  for (const auto& c : o.command_line_redactions) counts.add(c.rule, c.count);
  counts.merge(red.counts);
  auto manifest = builder.finish([&](bundle::Manifest& m) {
    redact_manifest_strings(m, **full, counts);
    m.redaction.rules.clear();
    for (const auto& [rule, n] : counts.items()) m.redaction.rules.push_back({rule, n});
    m.redaction.rescan = red.rescan;
    rescan_manifest(m, **full, *m.redaction.rescan);
  });
  if (!manifest.ok()) return manifest.take_error();
  result.manifest = std::move(manifest.value());
  result.secret_survived = result.manifest.redaction.rescan && result.manifest.redaction.rescan->status != "clean";
  for (const auto& f : result.manifest.files) {
    ++result.files;
    result.bytes += f.size;
  }

  bundle::WriteOptions wo;
  wo.format = o.format;
  wo.root_name = o.bundle_name;
  auto written = bundle::write_bundle(staged, o.output_path, wo);
  if (!written.ok()) return written.take_error();
  result.output_path = o.output_path;
  if (o.verify) {
    auto v = bundle::verify_bundle(o.output_path);
    if (!v.ok()) return v.take_error();
    if (!v->ok()) {
      std::string text = o.output_path + ": the written bundle does not match its manifest: ";
      text += v->problems.empty() ? "no manifest" : v->problems.front();
      return Error::internal(text);
    }
    result.verified_files = v->files_checked;
  }
  return result;
}

}  // namespace sm::collect
