#pragma once
// TempDir: a private directory under $TMPDIR (or /tmp) that is removed with everything in it
// when the object goes away. Used to stage bundles (collector) and to spool entries that must
// be read twice (analyzer). Removal works on directory file descriptors and never follows a
// symbolic link, so a link planted inside the directory cannot make us delete anything
// outside it.
#include <string>
#include <string_view>

#include "util/result.h"

namespace sm {

class TempDir {
 public:
  // Creates "<$TMPDIR>/<prefix>-XXXXXX" with mode 0700.
  static Result<TempDir> create(std::string_view prefix = "sparkmedic");

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string file(std::string_view name) const;

  // Removes the directory now and reports failures (the destructor cannot report them).
  Status remove();
  // Keeps the directory on disk (for debugging); the object forgets it.
  std::string release();

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Removes `path` and, if it is a real directory, everything below it, without following
// symbolic links (a link is removed, never its target). A missing path is not an error.
Status remove_tree(const std::string& path);

}  // namespace sm
