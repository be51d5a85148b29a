// Directory and single-file input for read_bundle. A directory is walked depth first in
// bundle order (manifest.json first, then path_less order), without following a symbolic link
// whose target leaves the directory, and without descending into linked directories.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "bundle/entry_path.h"
#include "bundle/manifest.h"
#include "bundle/reader_internal.h"

namespace sm::bundle::detail {
namespace {

namespace fs = std::filesystem;

// Bundles are a few levels deep; a deeper tree is refused rather than risking the stack.
constexpr int kMaxDirectoryDepth = 64;

class FileEntrySource final : public BudgetedSource {
 public:
  FileEntrySource(ReadContext& ctx, EntryState& state, std::string display, io::ByteSourcePtr file)
      : BudgetedSource(ctx, state, std::move(display)), file_(std::move(file)) {}
  uint64_t raw_bytes_consumed() const override { return file_->raw_bytes_consumed(); }

 protected:
  Result<size_t> raw_read(std::span<char> out) override { return file_->read(out); }
  std::optional<std::string_view> raw_take_rest(size_t unread, uint64_t max_new) override {
    return file_->take_rest(unread, max_new);
  }
  void raw_release(std::string_view done) override { file_->release(done); }

 private:
  io::ByteSourcePtr file_;
};

const char* special_kind(mode_t m) {
  if (S_ISCHR(m)) return "character device";
  if (S_ISBLK(m)) return "block device";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  return "special file";
}

bool is_within(const std::string& root, const std::string& p) {
  return p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/';
}

class Walker {
 public:
  Walker(std::string root, ReadContext& ctx) : root_(std::move(root)), ctx_(ctx) {}

  void run() {
    const std::string manifest = root_ + "/" + std::string(kManifestFileName);
    struct stat st {};
    if (::lstat(manifest.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (!ctx_.count_item(kManifestFileName)) return;
      deliver_file(std::string(kManifestFileName), manifest, st);
    }
    walk(root_, "", 0);
  }

 private:
  // Returns false when the read must stop.
  bool walk(const std::string& dir, const std::string& rel_dir, int depth) {
    if (depth > kMaxDirectoryDepth) {
      ctx_.issue(rel_dir, "directory tree deeper than " + std::to_string(kMaxDirectoryDepth) + " levels; skipped");
      return true;
    }
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      names.push_back(it->path().filename().string());
    if (ec) {
      ctx_.issue(rel_dir.empty() ? "." : rel_dir, "cannot list: " + ec.message());
      if (names.empty()) return true;
    }
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return path_less(a, b); });
    for (const auto& name : names) {
      const std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
      if (rel == kManifestFileName) continue;  // delivered first
      const std::string full = dir + "/" + name;
      if (!ctx_.count_item(rel)) return false;
      struct stat st {};
      if (::lstat(full.c_str(), &st) != 0) {
        ctx_.issue(rel, "cannot stat; skipped");
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        if (!walk(full, rel, depth + 1)) return false;
      } else if (S_ISREG(st.st_mode)) {
        if (!deliver_file(rel, full, st)) return false;
      } else if (S_ISLNK(st.st_mode)) {
        if (!follow_link(rel, full)) return false;
      } else {
        ctx_.issue(rel, std::string(special_kind(st.st_mode)) + "; skipped");
      }
    }
    return true;
  }

  // A link to a regular file inside the directory is read through its target (bundles copied
  // with cp -s or assembled by hand have these); anything else is skipped with a reason.
  bool follow_link(const std::string& rel, const std::string& full) {
    std::error_code ec;
    const fs::path target = fs::canonical(full, ec);
    if (ec) {
      ctx_.issue(rel, "broken symbolic link; skipped");
      return true;
    }
    const std::string t = target.string();
    if (!is_within(root_, t)) {
      ctx_.issue(rel, "symbolic link to \"" + printable(t) + "\" leaves the bundle directory; not followed, skipped");
      return true;
    }
    struct stat st {};
    if (::stat(t.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      ctx_.issue(rel, "symbolic link to something that is not a regular file; not followed, skipped");
      return true;
    }
    return deliver_file(rel, t, st);
  }

  bool deliver_file(const std::string& rel, const std::string& full, const struct stat& st) {
    auto path = ctx_.accept_path(rel);
    if (!path) return true;
    auto file = io::open_file(full);
    if (!file.ok()) {
      ctx_.issue(rel, file.error().message + "; skipped");
      return true;
    }
    Entry entry;
    entry.path = *path;
    entry.size = static_cast<int64_t>(st.st_size);
    entry.display_name = ctx_.input_name() + ":" + printable(*path);
    entry.fs_path = full;
    EntryState state;
    FileEntrySource content(ctx_, state, entry.display_name, std::move(file.value()));
    if (!ctx_.deliver(entry, content, state)) return false;
    return ctx_.finish_entry(entry, state, static_cast<uint64_t>(st.st_size));
  }

  std::string root_;
  ReadContext& ctx_;
};

// The bundle root: `dir` itself, or its only child when that child is a directory holding
// manifest.json (a bundle extracted into an empty directory).
std::string bundle_root(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> children;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    children.push_back(it->path());
    if (children.size() > 1) return dir;
  }
  if (children.size() != 1) return dir;
  struct stat st {};
  const std::string only = children.front().string();
  const std::string manifest = only + "/" + std::string(kManifestFileName);
  if (::lstat(only.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ::lstat(manifest.c_str(), &st) == 0 &&
      S_ISREG(st.st_mode))
    return only;
  return dir;
}

}  // namespace

Status read_directory(const std::string& root, ReadContext& ctx) {
  std::error_code ec;
  const fs::path canon = fs::canonical(root, ec);
  if (ec) return Error::io(root + ": cannot open: " + ec.message());
  Walker(bundle_root(canon.string()), ctx).run();
  return ok_status();
}

Status read_single(io::ByteSourcePtr src, Entry entry, ReadContext& ctx) {
  if (!ctx.count_item(entry.path)) return ok_status();
  EntryState state;
  FileEntrySource content(ctx, state, entry.display_name, std::move(src));
  std::optional<uint64_t> declared;
  if (entry.size >= 0) declared = static_cast<uint64_t>(entry.size);
  if (ctx.deliver(entry, content, state)) (void)ctx.finish_entry(entry, state, declared);
  return ok_status();
}

Status read_single_file(const std::string& path, ReadContext& ctx) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Error::io(path + ": not a readable regular file");
  auto file = io::open_file(path);
  if (!file.ok()) return file.take_error();
  Entry entry;
  entry.path = std::string(base_name(path));
  entry.size = static_cast<int64_t>(st.st_size);
  entry.display_name = path;
  entry.fs_path = path;
  return read_single(std::move(file.value()), std::move(entry), ctx);
}

}  // namespace sm::bundle::detail
