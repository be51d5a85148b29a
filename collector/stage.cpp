#include "stage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bundle/bundle_verify.h"
#include "bundle/bundle_writer.h"
#include "bundle/manifest_builder.h"
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
  m.limits.max_total_bytes = o.max_total_bytes;
  m.limits.max_source_bytes = o.max_source_bytes;
  m.redaction.rules = o.command_line_redactions;
}

// Copies one planned source; returns its record (files/bytes are filled in by the builder).
bundle::SourceRecord stage_source(const PlannedSource& s, const std::string& staged, CapTracker& caps,
                                  bundle::ManifestBuilder& builder) {
  bundle::SourceRecord rec;
  rec.name = s.name;
  rec.kind = s.kind;
  rec.started_at = rfc3339_utc(now_epoch_seconds());
  const int64_t t0 = now_epoch_ms();
  std::vector<std::string> errors = s.errors;
  caps.begin_source();
  size_t copied = 0;
  for (const auto& f : s.files) {
    const uint64_t granted = caps.grant(f.size);
    uint64_t origin_size = 0;
    const std::string dest = staged + "/" + f.bundle_path;
    auto n = copy_prefix(f.origin, dest, granted, &origin_size);
    if (!n.ok()) {
      errors.push_back(n.error().message);
      (void)remove_tree(dest);
      continue;
    }
    bundle::FileNote note;
    note.source = s.name;
    note.content_type = f.content_type;
    note.origin = f.origin;
    note.truncated = *n < origin_size;
    if (note.truncated) note.original_size = origin_size;
    builder.note_file(f.bundle_path, std::move(note));
    ++copied;
  }
  rec.duration_ms = static_cast<uint64_t>(std::max<int64_t>(0, now_epoch_ms() - t0));
  if (!errors.empty()) {
    rec.status = bundle::SourceStatus::failed;
    std::string text;
    for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e;
    rec.error = text;
  } else if (copied == 0) {
    rec.status = bundle::SourceStatus::skipped;
    rec.reason = s.skip_reason();
  }
  return rec;
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

Result<CollectResult> collect(const Options& o, const Plan& plan) {
  auto tmp = TempDir::create("sparkmedic-collect");
  if (!tmp.ok()) return tmp.take_error();
  const std::string staged = tmp->file(o.bundle_name);
  std::error_code ec;
  fs::create_directory(staged, ec);
  if (ec) return Error::io(staged + ": cannot create: " + ec.message());

  bundle::ManifestBuilder builder(staged);
  fill_header(builder.manifest(), o);
  CapTracker caps(o.max_total_bytes, o.max_source_bytes);
  CollectResult result;
  for (const auto& s : plan.sources) {
    bundle::SourceRecord rec = stage_source(s, staged, caps, builder);
    rec.cap_bytes = o.max_source_bytes;
    result.any_source_failed = result.any_source_failed || rec.status == bundle::SourceStatus::failed;
    builder.add_source(std::move(rec), s.dirs);
  }
  auto manifest = builder.finish();
  if (!manifest.ok()) return manifest.take_error();
  result.manifest = std::move(manifest.value());
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
