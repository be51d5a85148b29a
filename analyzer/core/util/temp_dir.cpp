#include "util/temp_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace sm {
namespace {

// Deeper trees than this are not something we create; refusing keeps the recursion bounded.
constexpr int kMaxRemoveDepth = 256;

std::string errno_text(int err) { return std::strerror(err); }

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

// Empties the directory open as `dir_fd` (owned by the caller until fdopendir takes it).
Status empty_directory(int dir_fd, const std::string& shown, int depth) {
  if (depth > kMaxRemoveDepth) return Error::limit(shown + ": directory tree deeper than " +
                                                   std::to_string(kMaxRemoveDepth) + " levels");
  DirPtr dir(::fdopendir(dir_fd));
  if (!dir) {
    int err = errno;
    ::close(dir_fd);
    return Error::io(shown + ": cannot list: " + errno_text(err));
  }
  const int fd = ::dirfd(dir.get());
  // A read-only directory of ours (a test fixture, a copied bundle) could not be emptied;
  // the descriptor is the directory itself, never a link, so this cannot touch anything else.
  (void)::fchmod(fd, S_IRWXU);
  Status first_error;
  for (;;) {
    errno = 0;
    dirent* de = ::readdir(dir.get());
    if (de == nullptr) {
      if (errno != 0 && first_error.ok()) first_error = Error::io(shown + ": cannot list: " + errno_text(errno));
      break;
    }
    const std::string name = de->d_name;
    if (name == "." || name == "..") continue;
    const std::string child = shown + "/" + name;
    struct stat st {};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT && first_error.ok()) first_error = Error::io(child + ": " + errno_text(errno));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      // O_NOFOLLOW|O_DIRECTORY: if the entry was swapped for a link since fstatat, this fails
      // instead of descending into the link's target.
      int child_fd = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child_fd < 0) {
        if (first_error.ok()) first_error = Error::io(child + ": cannot open: " + errno_text(errno));
        continue;
      }
      Status s = empty_directory(child_fd, child, depth + 1);
      if (!s.ok() && first_error.ok()) first_error = std::move(s);
      if (::unlinkat(fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT && first_error.ok())
        first_error = Error::io(child + ": cannot remove: " + errno_text(errno));
    } else if (::unlinkat(fd, name.c_str(), 0) != 0 && errno != ENOENT && first_error.ok()) {
      first_error = Error::io(child + ": cannot remove: " + errno_text(errno));
    }
  }
  return first_error;
}

}  // namespace

Status remove_tree(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return ok_status();
    return Error::io(path + ": " + errno_text(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return Error::io(path + ": cannot open: " + errno_text(errno));
    SM_TRY(empty_directory(fd, path, 0));
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT) return Error::io(path + ": cannot remove: " + errno_text(errno));
    return ok_status();
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Error::io(path + ": cannot remove: " + errno_text(errno));
  return ok_status();
}

Result<TempDir> TempDir::create(std::string_view prefix) {
  const char* env = std::getenv("TMPDIR");
  std::string base = (env != nullptr && *env != '\0') ? env : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string templ = base + "/" + std::string(prefix) + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return Error::io(templ + ": cannot create temporary directory: " + errno_text(errno));
  return TempDir(std::string(buf.data()));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    (void)remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() { (void)remove(); }

std::string TempDir::file(std::string_view name) const { return path_ + "/" + std::string(name); }

Status TempDir::remove() {
  if (path_.empty()) return ok_status();
  Status s = remove_tree(path_);
  path_.clear();
  return s;
}

std::string TempDir::release() {
  std::string p = std::move(path_);
  path_.clear();
  return p;
}

}  // namespace sm
