#include "redact_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>

#include "bundle/entry_path.h"
#include "codec/codec.h"
#include "io/byte_source.h"
#include "redact/stream.h"

namespace sm::collect {
namespace {

// A file with a NUL byte in its first bytes is binary: the rules are not applied to it (they
// would corrupt it), the re-scan still reads it.
constexpr size_t kBinarySniffBytes = 8192;
// zstd's own default level: fast, and event logs compress well at it.
constexpr int kZstdLevel = 3;

struct ZstdFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// Writes bytes to a file, optionally through a zstd encoder.
class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> open(const std::string& path, bool zstd) {
    auto f = std::unique_ptr<OutputFile>(new OutputFile());
    f->path_ = path;
    f->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (f->fd_ < 0) return Error::io(path + ": cannot create: " + std::strerror(errno));
    if (zstd) {
      f->zstd_.reset(ZSTD_createCCtx());
      if (!f->zstd_) return Error::internal("ZSTD_createCCtx failed");
      ZSTD_CCtx_setParameter(f->zstd_.get(), ZSTD_c_compressionLevel, kZstdLevel);
      f->buf_.resize(ZSTD_CStreamOutSize());
    }
    return f;
  }
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status write(std::string_view s) {
    if (!zstd_) return raw(s);
    ZSTD_inBuffer in{s.data(), s.size(), 0};
    while (in.pos < in.size) SM_TRY(pump(&in, ZSTD_e_continue));
    return ok_status();
  }
  // Ends the zstd frame, keeps `mtime`, closes.
  Status finish(const timespec& mtime) {
    if (zstd_) {
      ZSTD_inBuffer in{nullptr, 0, 0};
      SM_TRY(pump(&in, ZSTD_e_end));
    }
    const std::array<timespec, 2> times = {mtime, mtime};
    if (::futimens(fd_, times.data()) != 0) return Error::io(path_ + ": cannot set mtime: " + std::strerror(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Error::io(path_ + ": cannot write: " + std::strerror(errno));
    return ok_status();
  }

 private:
  OutputFile() = default;
  Status raw(std::string_view s) {
    while (!s.empty()) {
      const ssize_t w = ::write(fd_, s.data(), s.size());
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Error::io(path_ + ": cannot write: " + std::strerror(errno));
      s.remove_prefix(static_cast<size_t>(w));
    }
    return ok_status();
  }
  Status pump(ZSTD_inBuffer* in, ZSTD_EndDirective mode) {
    for (;;) {
      ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
      const size_t left = ZSTD_compressStream2(zstd_.get(), &out, in, mode);
      if (ZSTD_isError(left) != 0) return Error::internal(path_ + ": zstd: " + ZSTD_getErrorName(left));
      SM_TRY(raw(std::string_view(buf_.data(), out.pos)));
      if (mode == ZSTD_e_continue ? in->pos == in->size : left == 0) return ok_status();
    }
  }

  std::string path_;
  int fd_ = -1;
  std::unique_ptr<ZSTD_CCtx, ZstdFree> zstd_;
  std::vector<char> buf_;
};

// Counts the bytes read through it (for the re-scan's byte total).
class CountingSource final : public io::ByteSource {
 public:
  explicit CountingSource(io::ByteSource& inner) : inner_(inner) {}
  Result<size_t> read(std::span<char> out) override {
    auto n = inner_.read(out);
    if (n.ok()) count += *n;
    return n;
  }
  const std::string& name() const override { return inner_.name(); }
  uint64_t raw_bytes_consumed() const override { return inner_.raw_bytes_consumed(); }
  uint64_t count = 0;

 private:
  io::ByteSource& inner_;
};

enum class Kind { text, compressed, binary };

struct Opened {
  io::ByteSourcePtr stream;
  codec::Codec codec = codec::Codec::none;
  Kind kind = Kind::text;
};

Result<Opened> open_for_scan(const std::string& path) {
  auto f = io::open_file(path);
  if (!f.ok()) return f.take_error();
  auto peek = std::make_unique<io::PeekableSource>(std::move(f.value()));
  auto head = peek->peek(kBinarySniffBytes);
  if (!head.ok()) return head.take_error();
  Opened o;
  if (codec::codec_from_magic(*head)) {
    auto d = codec::open_decoded(std::move(peek), bundle::base_name(path));
    if (!d.ok()) return d.take_error();
    o.stream = std::move(d->stream);
    o.codec = d->codec;
    o.kind = Kind::compressed;
    return o;
  }
  o.kind = head->find('\0') != std::string_view::npos ? Kind::binary : Kind::text;
  o.stream = std::move(peek);
  return o;
}

// "app-1.lz4.inprogress" -> "app-1.zstd.inprogress"; "stderr.gz" -> "stderr.zst".
std::string recoded_path(const std::string& bundle_path) {
  std::string p = bundle_path;
  std::string tail;
  for (std::string_view t : {".inprogress", ".compact"})
    if (p.size() > t.size() && p.compare(p.size() - t.size(), t.size(), t) == 0) {
      tail = std::string(t) + tail;
      p.resize(p.size() - t.size());
    }
  const bool eventlog = bundle_path.rfind("eventlogs/", 0) == 0;
  for (std::string_view ext : {".lz4", ".lzf", ".snappy", ".zstd", ".zst", ".gz", ".gzip"})
    if (p.size() > ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0) {
      p.resize(p.size() - ext.size());
      return p + (eventlog ? ".zstd" : ".zst") + tail;
    }
  return bundle_path;  // no codec suffix: readers go by the magic bytes
}

// Rewrites one staged file through `r`. Returns the decode problem, if any ("" when none).
Result<std::string> rewrite(Staging& staging, StagedFile& f, const redact::Redactor& r, redact::Counts& counts,
                            std::vector<std::string>* harvest) {
  const std::string path = staging.path_of(f.bundle_path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error::io(path + ": " + std::strerror(errno));
  auto opened = open_for_scan(path);
  if (!opened.ok()) return opened.take_error();
  const bool zstd = opened->kind == Kind::compressed;
  const std::string tmp = path + ".sparkmedic-redacting";
  auto out = OutputFile::open(tmp, zstd);
  if (!out.ok()) return out.take_error();
  redact::Counts here;
  Status read = redact::redact_stream(*opened->stream, r, here, harvest,
                                      [&](std::string_view chunk) -> Status { return (*out)->write(chunk); });
  std::string problem;
  if (!read.ok()) {
    // A log cut short (an in-progress zstd frame) still yields everything before the cut; a
    // corrupt one yields what came before the damage. Either way, that is what we keep.
    if (read.error().kind != ErrorKind::truncated && read.error().kind != ErrorKind::bad_input &&
        read.error().kind != ErrorKind::limit) {
      (void)::unlink(tmp.c_str());
      return read.take_error();
    }
    if (read.error().kind != ErrorKind::truncated) problem = read.error().message;
  }
  SM_TRY((*out)->finish(st.st_mtim));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Error::io(tmp + ": cannot rename: " + std::strerror(errno));
  counts.merge(here);
  f.note.redactions += here.total();
  if (zstd && opened->codec != codec::Codec::zstd) {
    const std::string renamed = recoded_path(f.bundle_path);
    if (renamed != f.bundle_path && !staging.taken(renamed)) SM_TRY(staging.rename(f.bundle_path, renamed));
  }
  return problem;
}

struct ScanOutcome {
  redact::Counts found;
  Kind kind = Kind::text;
  uint64_t bytes = 0;
  std::string problem;  // could not be read to the end
};

Result<ScanOutcome> scan_file(const std::string& path, const redact::Redactor& r) {
  auto opened = open_for_scan(path);
  if (!opened.ok()) return opened.take_error();
  ScanOutcome out;
  out.kind = opened->kind;
  CountingSource counting(*opened->stream);
  Status st = redact::scan_stream(counting, r, out.found);
  out.bytes = counting.count;
  if (!st.ok()) {
    if (st.error().kind == ErrorKind::io || st.error().kind == ErrorKind::internal) return st.take_error();
    if (st.error().kind != ErrorKind::truncated) out.problem = st.error().message;
  }
  return out;
}

void note_problem(RedactionReport& report, const StagedFile& f, const std::string& problem) {
  report.notes.emplace_back(f.note.source, f.bundle_path + ": could not be decoded to the end (" + problem +
                                               "); what follows that point was kept as it is and not checked for secrets");
}

}  // namespace

void redact_staged_files(Staging& staging, const redact::Redactor& rules, RedactionReport& report) {
  // Indexes, not references: rewrite() may rename entries.
  for (size_t i = 0; i < staging.files().size(); ++i) {
    StagedFile& f = staging.files()[i];
    auto scan = scan_file(staging.path_of(f.bundle_path), rules);
    if (!scan.ok()) {
      report.notes.emplace_back(f.note.source, f.bundle_path + ": not checked for secrets: " + scan.error().message);
      continue;
    }
    if (!scan->problem.empty()) note_problem(report, f, scan->problem);
    if (scan->found.total() == 0 || scan->kind == Kind::binary) continue;  // bytes stay exactly as collected
    auto r = rewrite(staging, f, rules, report.counts, &report.harvest);
    if (!r.ok()) report.notes.emplace_back(f.note.source, f.bundle_path + ": could not be redacted: " + r.error().message);
  }
}

void sweep_and_rescan(Staging& staging, const redact::Redactor& full, RedactionReport& report) {
  bundle::Rescan& rescan = report.rescan;
  std::vector<std::string> withhold;
  for (size_t i = 0; i < staging.files().size(); ++i) {
    StagedFile& f = staging.files()[i];
    auto scan = scan_file(staging.path_of(f.bundle_path), full);
    if (scan.ok() && scan->found.total() > 0 && scan->kind != Kind::binary) {
      // Known values found away from their keys (or a rule that fired only now): rewrite
      // once more, then look again.
      auto r = rewrite(staging, f, full, report.counts, nullptr);
      if (r.ok()) scan = scan_file(staging.path_of(f.bundle_path), full);
    }
    ++rescan.files;
    if (!scan.ok()) {
      // Unreadable now: it cannot be vouched for, so it does not go out.
      rescan.findings.push_back({f.bundle_path, "unreadable", 1});
      withhold.push_back(f.bundle_path);
      continue;
    }
    rescan.bytes += scan->bytes;
    if (scan->found.total() == 0) continue;
    for (const auto& [rule, n] : scan->found.items()) rescan.findings.push_back({f.bundle_path, rule, n});
    withhold.push_back(f.bundle_path);
  }
  for (const auto& p : withhold) {
    std::string source;
    for (const auto& f : staging.files())
      if (f.bundle_path == p) source = f.note.source;
    report.notes.emplace_back(source, p + ": withheld from the bundle: a secret pattern survived redaction");
    staging.remove(p);
    rescan.withheld.push_back(p);
  }
  rescan.status = rescan.findings.empty() ? "clean" : "failed";
}

void redact_manifest_strings(bundle::Manifest& m, const redact::Redactor& full, redact::Counts& counts) {
  auto fix = [&](std::string& s) { full.redact(s, counts); };
  for (auto& a : m.command_line) fix(a);
  for (auto& s : m.sources) {
    if (s.reason) fix(*s.reason);
    if (s.error) fix(*s.error);
    for (auto& n : s.notes) fix(n);
  }
  for (auto& f : m.files)
    if (f.origin) fix(*f.origin);
}

void rescan_manifest(const bundle::Manifest& m, const redact::Redactor& full, bundle::Rescan& rescan) {
  redact::Counts found;
  const std::string json = bundle::to_json(m);
  full.scan(json, found);
  ++rescan.files;
  rescan.bytes += json.size();
  for (const auto& [rule, n] : found.items()) rescan.findings.push_back({std::string(bundle::kManifestFileName), rule, n});
  if (!found.empty()) rescan.status = "failed";
}

}  // namespace sm::collect
