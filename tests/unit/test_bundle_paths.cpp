// Entry path rules shared by reader, writer and manifest, and TempDir's removal guarantees.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "bundle/entry_path.h"
#include "util/temp_dir.h"

using namespace sm::bundle;
namespace fs = std::filesystem;

TEST_CASE("bundle paths: normalization accepts relative paths and refuses escapes", "[bundle]") {
  auto ok = [](const char* raw) {
    auto r = normalize_entry_path(raw);
    REQUIRE(r.ok());
    return *r;
  };
  auto why = [](std::string_view raw) {
    auto r = normalize_entry_path(raw);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK(ok("a/b") == "a/b");
  CHECK(ok("./a//b/./c/") == "a/b/c");
  CHECK(ok("a\\b") == "a/b");
  CHECK(ok("..a/b..") == "..a/b..");  // dots inside names are fine
  CHECK(why("") == "empty entry name");
  CHECK(why("/etc/passwd") == "absolute path");
  CHECK(why("\\\\server\\share") == "absolute path");
  CHECK(why("C:\\x") == "absolute path (drive letter)");
  CHECK(why("../x") == "path has a '..' component");
  CHECK(why("a/../b") == "path has a '..' component");
  CHECK(why("a/..") == "path has a '..' component");
  CHECK(why("./") == "entry name has no file component");
  CHECK(why(std::string_view("a\0b", 3)) == "entry name contains a NUL byte");
  CHECK(is_normalized_entry_path("eventlogs/a.zstd"));
  CHECK_FALSE(is_normalized_entry_path("eventlogs//a.zstd"));
  CHECK_FALSE(is_normalized_entry_path("./a"));
}

TEST_CASE("bundle paths: bundle order sorts component by component", "[bundle]") {
  CHECK(path_less("a/b", "a-c"));
  CHECK_FALSE(path_less("a-c", "a/b"));
  CHECK(path_less("a", "a/b"));
  CHECK(path_less("a/b", "b"));
  CHECK_FALSE(path_less("a", "a"));
  CHECK(path_less("Z", "a"));  // bytewise: upper case first
  CHECK(base_name("eventlogs/x/a.zstd") == "a.zstd");
  CHECK(base_name("a") == "a");
  CHECK(printable("a\nb\x7f") == "a\\x0ab\\x7f");
  CHECK(printable(std::string(1000, 'x')).size() < 400);
}

TEST_CASE("bundle temp dir: removed recursively without following links", "[bundle]") {
  auto outside = sm::TempDir::create("sm-test-outside");
  REQUIRE(outside.ok());
  const std::string keep = outside->file("keep.txt");
  std::ofstream(keep) << "must survive";
  fs::create_directories(outside->file("keep-dir"));
  std::ofstream(outside->file("keep-dir/inner.txt")) << "must survive too";

  std::string path;
  {
    auto t = sm::TempDir::create("sm-test-temp");
    REQUIRE(t.ok());
    path = t->path();
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    fs::create_directories(t->file("a/b/c"));
    std::ofstream(t->file("a/b/c/f")) << "x";
    fs::create_symlink(keep, t->file("a/link-to-file"));
    fs::create_directory_symlink(outside->file("keep-dir"), t->file("a/b/link-to-dir"));
    ::chmod(t->file("a/b").c_str(), 0500);  // a read-only directory must not stop the cleanup
    sm::TempDir moved = std::move(t.value());
    CHECK(moved.path() == path);
  }
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::exists(keep));
  CHECK(fs::exists(outside->file("keep-dir/inner.txt")));
}

TEST_CASE("bundle temp dir: honours TMPDIR, release keeps the directory", "[bundle]") {
  auto base = sm::TempDir::create("sm-test-base");
  REQUIRE(base.ok());
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", (base->path() + "/").c_str(), 1);
  auto t = sm::TempDir::create("inner");
  if (old != nullptr) ::setenv("TMPDIR", saved.c_str(), 1);
  else ::unsetenv("TMPDIR");
  REQUIRE(t.ok());
  CHECK(t->path().rfind(base->path() + "/inner-", 0) == 0);
  const std::string kept = t->release();
  CHECK(t->path().empty());
  CHECK(fs::is_directory(kept));
  CHECK(sm::remove_tree(kept).ok());
  CHECK_FALSE(fs::exists(kept));
  CHECK(sm::remove_tree(kept).ok());  // already gone: not an error
}
