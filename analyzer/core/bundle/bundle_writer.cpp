#include "bundle/bundle_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "bundle/archive_ptr.h"
#include "bundle/entry_path.h"
#include "bundle/manifest.h"
#include "io/byte_source.h"
#include "util/temp_dir.h"

namespace sm::bundle {
namespace {

namespace fs = std::filesystem;
using detail::ArchiveWritePtr;

constexpr size_t kCopyChunk = 256 * 1024;
constexpr mode_t kFileMode = 0644;
constexpr mode_t kExecMode = 0755;
constexpr int kMaxStagedDepth = 64;

struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

std::string errno_text() { return std::strerror(errno); }

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unknown libarchive error";
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct FdGuard {
  explicit FdGuard(int f) : fd(f) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

// Removes a partially written output unless disarmed.
class PartialOutput {
 public:
  explicit PartialOutput(std::string path) : path_(std::move(path)) {}
  PartialOutput(const PartialOutput&) = delete;
  PartialOutput& operator=(const PartialOutput&) = delete;
  ~PartialOutput() {
    if (armed_) (void)remove_tree(path_);
  }
  const std::string& path() const { return path_; }
  void disarm() { armed_ = false; }

 private:
  std::string path_;
  bool armed_ = true;
};

Status list_into(const std::string& dir, const std::string& rel_dir, int depth, std::vector<std::string>& out,
                 std::vector<std::string>* skipped) {
  if (depth > kMaxStagedDepth) return Error::limit(dir + ": staged tree deeper than " + std::to_string(kMaxStagedDepth));
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) return Error::io(it->path().string() + ": " + errno_text());
    if (S_ISDIR(st.st_mode)) {
      SM_TRY(list_into(it->path().string(), rel, depth + 1, out, skipped));
    } else if (S_ISREG(st.st_mode)) {
      out.push_back(rel);
    } else if (skipped != nullptr) {
      skipped->push_back(rel);
    }
  }
  if (ec) return Error::io(dir + ": cannot list: " + ec.message());
  return ok_status();
}

// Refuses to replace anything: RENAME_NOREPLACE where the filesystem supports it.
Status move_into_place(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return ok_status();
  if (errno == EEXIST) return Error::io(to + ": already exists; not replaced");
  if (errno != EINVAL && errno != ENOSYS) return Error::io(to + ": cannot move the bundle into place: " + errno_text());
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) return Error::io(to + ": already exists; not replaced");
  if (::rename(from.c_str(), to.c_str()) != 0) return Error::io(to + ": cannot move the bundle into place: " + errno_text());
  return ok_status();
}

Status configure(archive* a, const WriteOptions& o) {
  int r = ARCHIVE_OK;
  if (o.format == ArchiveFormat::zip) {
    r = archive_write_set_format_zip(a);
    if (r == ARCHIVE_OK) r = archive_write_zip_set_compression_deflate(a);
  } else {
    // pax_restricted writes plain ustar headers and adds a pax header only for what ustar
    // cannot hold (long names, big sizes), so every tar reader handles the common case.
    r = archive_write_set_format_pax_restricted(a);
    if (r == ARCHIVE_OK && o.format == ArchiveFormat::tar_gz) {
      r = archive_write_add_filter_gzip(a);
      if (r == ARCHIVE_OK) r = archive_write_set_filter_option(a, "gzip", "timestamp", nullptr);  // no mtime in the header
      if (r == ARCHIVE_OK) r = archive_write_set_filter_option(a, "gzip", "compression-level", std::to_string(o.gzip_level).c_str());
    } else if (r == ARCHIVE_OK && o.format == ArchiveFormat::tar_zst) {
      r = archive_write_add_filter_zstd(a);
      if (r == ARCHIVE_OK) r = archive_write_set_filter_option(a, "zstd", "compression-level", std::to_string(o.zstd_level).c_str());
    }
  }
  // No padding of the last block to 10 KiB: smaller files, same bytes every time.
  if (r == ARCHIVE_OK) r = archive_write_set_bytes_in_last_block(a, 1);
  if (r != ARCHIVE_OK) return Error::internal("cannot configure the archive writer: " + archive_message(a));
  return ok_status();
}

Status add_file(archive* a, const std::string& src, const std::string& name, const struct stat& st, WriteResult& res) {
  auto in = io::open_file(src);
  if (!in.ok()) return in.take_error();
  EntryPtr e(archive_entry_new());
  archive_entry_copy_pathname(e.get(), name.c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), (st.st_mode & 0111) != 0 ? kExecMode : kFileMode);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(st.st_size));
  archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  if (archive_write_header(a, e.get()) != ARCHIVE_OK) return Error::io(name + ": cannot write header: " + archive_message(a));
  std::vector<char> buf(kCopyChunk);
  uint64_t written = 0;
  const auto expected = static_cast<uint64_t>(st.st_size);
  for (;;) {
    auto r = (*in)->read(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) return r.take_error();
    if (*r == 0) break;
    // Never write more than the header announced: a file growing while we pack is cut.
    const size_t n = static_cast<size_t>(std::min<uint64_t>(*r, expected - written));
    if (n > 0 && archive_write_data(a, buf.data(), n) != static_cast<la_ssize_t>(n))
      return Error::io(name + ": cannot write: " + archive_message(a));
    written += n;
    if (written == expected) break;
  }
  if (written != expected) return Error::io(src + ": changed while being packed (shrank)");
  ++res.files;
  res.bytes += written;
  return ok_status();
}

Status copy_file(const std::string& src, const std::string& dst, const struct stat& st, WriteResult& res) {
  auto in = io::open_file(src);
  if (!in.ok()) return in.take_error();
  std::error_code ec;
  fs::create_directories(fs::path(dst).parent_path(), ec);
  if (ec) return Error::io(dst + ": cannot create directory: " + ec.message());
  const mode_t mode = (st.st_mode & 0111) != 0 ? kExecMode : kFileMode;
  FdGuard out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  const int fd = out.fd;
  if (fd < 0) return Error::io(dst + ": cannot create: " + errno_text());
  std::vector<char> buf(kCopyChunk);
  for (;;) {
    auto r = (*in)->read(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) return r.take_error();
    if (*r == 0) break;
    for (size_t off = 0; off < *r;) {
      ssize_t w = ::write(fd, buf.data() + off, *r - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Error::io(dst + ": cannot write: " + errno_text());
      off += static_cast<size_t>(w);
    }
    res.bytes += *r;
  }
  const std::array<timespec, 2> times = {timespec{st.st_mtim.tv_sec, 0}, timespec{st.st_mtim.tv_sec, 0}};
  if (::futimens(fd, times.data()) != 0) return Error::io(dst + ": cannot set mtime: " + errno_text());
  ++res.files;
  return ok_status();
}

}  // namespace

std::optional<ArchiveFormat> parse_archive_format(std::string_view name) {
  if (name == "tar.zst" || name == "tzst") return ArchiveFormat::tar_zst;
  if (name == "tar.gz" || name == "tgz") return ArchiveFormat::tar_gz;
  if (name == "tar") return ArchiveFormat::tar;
  if (name == "zip") return ArchiveFormat::zip;
  if (name == "dir") return ArchiveFormat::directory;
  return std::nullopt;
}

std::string_view format_name(ArchiveFormat f) {
  switch (f) {
    case ArchiveFormat::tar_zst: return "tar.zst";
    case ArchiveFormat::tar_gz: return "tar.gz";
    case ArchiveFormat::tar: return "tar";
    case ArchiveFormat::zip: return "zip";
    case ArchiveFormat::directory: return "dir";
  }
  return "tar.zst";
}

std::string_view format_extension(ArchiveFormat f) {
  switch (f) {
    case ArchiveFormat::tar_zst: return ".tar.zst";
    case ArchiveFormat::tar_gz: return ".tar.gz";
    case ArchiveFormat::tar: return ".tar";
    case ArchiveFormat::zip: return ".zip";
    case ArchiveFormat::directory: return "";
  }
  return "";
}

std::optional<ArchiveFormat> format_from_path(std::string_view path) {
  if (ends_with(path, ".tar.zst") || ends_with(path, ".tzst")) return ArchiveFormat::tar_zst;
  if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz")) return ArchiveFormat::tar_gz;
  if (ends_with(path, ".tar")) return ArchiveFormat::tar;
  if (ends_with(path, ".zip")) return ArchiveFormat::zip;
  return std::nullopt;
}

Result<std::vector<std::string>> list_bundle_files(const std::string& staged_dir, std::vector<std::string>* skipped) {
  std::vector<std::string> files;
  SM_TRY(list_into(staged_dir, "", 0, files, skipped));
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    if (a == kManifestFileName || b == kManifestFileName) return a == kManifestFileName && b != kManifestFileName;
    return path_less(a, b);
  });
  return files;
}

Result<WriteResult> write_bundle(const std::string& staged_dir, const std::string& out_path, const WriteOptions& options) {
  WriteResult res;
  auto listed = list_bundle_files(staged_dir, &res.skipped);
  if (!listed.ok()) return listed.take_error();
  const auto& files = listed.value();
  if (files.empty() || files.front() != kManifestFileName)
    return Error::bad_input(staged_dir + ": no manifest.json; not a staged bundle");
  struct stat existing {};
  if (::lstat(out_path.c_str(), &existing) == 0) return Error::io(out_path + ": already exists; not replaced");

  PartialOutput partial(out_path + ".partial-" + std::to_string(::getpid()));
  (void)remove_tree(partial.path());
  if (options.format == ArchiveFormat::directory) {
    for (const auto& rel : files) {
      const std::string src = staged_dir + "/" + rel;
      struct stat st {};
      if (::lstat(src.c_str(), &st) != 0) return Error::io(src + ": " + errno_text());
      SM_TRY(copy_file(src, partial.path() + "/" + rel, st, res));
    }
  } else {
    std::string root = options.root_name.empty() ? fs::path(staged_dir).lexically_normal().filename().string() : options.root_name;
    if (root.empty() || !is_normalized_entry_path(root) || root.find('/') != std::string::npos)
      return Error::bad_input("bundle root name \"" + printable(root) + "\" is not a single path component");
    ArchiveWritePtr a(archive_write_new());
    if (!a) return Error::internal("cannot create an archive writer");
    SM_TRY(configure(a.get(), options));
    if (archive_write_open_filename(a.get(), partial.path().c_str()) != ARCHIVE_OK)
      return Error::io(partial.path() + ": cannot create: " + archive_message(a.get()));
    for (const auto& rel : files) {
      const std::string src = staged_dir + "/" + rel;
      struct stat st {};
      if (::lstat(src.c_str(), &st) != 0) return Error::io(src + ": " + errno_text());
      SM_TRY(add_file(a.get(), src, root + "/" + rel, st, res));
    }
    // Close explicitly: the trailer and the compressor's last frame are written here, and a
    // full disk must be an error, not a silently short bundle.
    if (archive_write_close(a.get()) != ARCHIVE_OK) return Error::io(out_path + ": cannot finish: " + archive_message(a.get()));
  }
  SM_TRY(move_into_place(partial.path(), out_path));
  partial.disarm();
  return res;
}

}  // namespace sm::bundle
