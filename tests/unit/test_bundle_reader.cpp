// read_bundle on the non-archive forms and on real inputs: bundle directories (order, root
// stripping, links, special files), single files (compressed bytes untouched), stdin (archive
// or single file, decided by sniffing) and a Spark History Server /logs zip.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle_reader.h"
#include "util/temp_dir.h"

using namespace sm::bundle;
namespace fs = std::filesystem;

namespace {

struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t append_cb(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

// gzip of `data` (libarchive's raw format writes just the compressed stream).
std::string gzip(const std::string& data) {
  std::string out;
  std::unique_ptr<archive, WriterFree> a(archive_write_new());
  archive_write_set_format_raw(a.get());
  archive_write_add_filter_gzip(a.get());
  archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr);  // no mtime in the header
  archive_write_set_bytes_in_last_block(a.get(), 1);
  REQUIRE(archive_write_open(a.get(), &out, nullptr, append_cb, nullptr) == ARCHIVE_OK);
  std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
  archive_write_header(a.get(), e.get());
  archive_write_data(a.get(), data.data(), data.size());
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Got {
  std::vector<std::string> paths;
  std::map<std::string, std::string> content;
  std::map<std::string, Entry> entries;
  ReadReport report;
};

Got read_all_entries(const std::string& input, const ReadLimits& limits = {}) {
  Got g;
  auto r = read_bundle(input, limits, [&](const Entry& e, sm::io::ByteSource& src) -> sm::Status {
    g.paths.push_back(e.path);
    g.entries[e.path] = e;
    auto bytes = sm::io::read_all(src, uint64_t{1} << 30);
    g.content[e.path] = bytes.ok() ? std::move(bytes.value()) : "<" + bytes.error().message + ">";
    return sm::ok_status();
  });
  REQUIRE(r.ok());
  g.report = std::move(r.value());
  return g;
}

sm::TempDir temp() {
  auto t = sm::TempDir::create("sm-test-reader");
  REQUIRE(t.ok());
  return std::move(t.value());
}

// Points fd 0 at a file for the duration of a test, then restores it.
class StdinFrom {
 public:
  explicit StdinFrom(const std::string& path) : saved_(::dup(STDIN_FILENO)) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
    ::close(fd);
  }
  StdinFrom(const StdinFrom&) = delete;
  StdinFrom& operator=(const StdinFrom&) = delete;
  ~StdinFrom() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

}  // namespace

TEST_CASE("bundle reader: a directory is read manifest first, then in bundle order", "[bundle]") {
  auto dir = temp();
  const std::string root = dir.file("b");
  for (const char* rel : {"eventlogs/b", "eventlogs/a-c", "eventlogs/a/x", "logs/driver/d.log", "manifest.json", "zz"})
    write_file(root + "/" + rel, rel);
  Got g = read_all_entries(root);
  CHECK(g.report.form == InputForm::directory);
  CHECK(g.paths == std::vector<std::string>{"manifest.json", "eventlogs/a/x", "eventlogs/a-c", "eventlogs/b",
                                            "logs/driver/d.log", "zz"});
  CHECK(g.content["eventlogs/a/x"] == "eventlogs/a/x");
  CHECK(g.entries["zz"].size == 2);
  CHECK(g.entries["zz"].fs_path == fs::canonical(root).string() + "/zz");
  CHECK(g.entries["zz"].display_name == root + ":zz");
  CHECK(g.report.issues.empty());

  // Extracted into an empty directory: the bundle root directory is stripped.
  const std::string outer = dir.file("outer");
  fs::create_directories(outer);
  fs::rename(root, outer + "/sparkmedic-bundle-x-20240501T100000Z");
  CHECK(read_all_entries(outer).paths == g.paths);
}

TEST_CASE("bundle reader: directory links and special files", "[bundle]") {
  auto dir = temp();
  const std::string root = dir.file("b");
  write_file(root + "/logs/d.log", "driver");
  write_file(dir.file("outside.txt"), "secret");
  fs::create_directories(root + "/sub");
  fs::create_symlink("../logs/d.log", root + "/sub/in-link");
  fs::create_symlink(dir.file("outside.txt"), root + "/out-link");
  fs::create_symlink("/etc/passwd", root + "/passwd-link");
  fs::create_symlink("nowhere", root + "/broken-link");
  fs::create_directory_symlink("logs", root + "/dir-link");
  REQUIRE(::mkfifo((root + "/fifo").c_str(), 0600) == 0);
  Got g = read_all_entries(root);
  CHECK(g.paths == std::vector<std::string>{"logs/d.log", "sub/in-link"});
  CHECK(g.content["sub/in-link"] == "driver");
  std::map<std::string, std::string> issues;
  for (const auto& i : g.report.issues) issues[i.path] = i.message;
  CHECK(issues.size() == 5);
  CHECK(issues["out-link"].find("leaves the bundle directory; not followed, skipped") != std::string::npos);
  CHECK(issues["passwd-link"].find("leaves the bundle directory") != std::string::npos);
  CHECK(issues["broken-link"].find("broken symbolic link") != std::string::npos);
  CHECK(issues["dir-link"].find("not a regular file") != std::string::npos);
  CHECK(issues["fifo"] == root + ": fifo: fifo; skipped");
}

TEST_CASE("bundle reader: directory limits", "[bundle][limits]") {
  auto dir = temp();
  const std::string root = dir.file("b");
  for (int i = 0; i < 20; ++i) write_file(root + "/f" + std::to_string(100 + i), std::string(1000, 'x'));
  ReadLimits limits;
  limits.max_entries = 5;
  Got few = read_all_entries(root, limits);
  CHECK(few.paths == std::vector<std::string>{"f100", "f101", "f102", "f103", "f104"});
  REQUIRE(few.report.stopped_by.has_value());
  CHECK(few.report.stopped_by->kind == sm::ErrorKind::limit);

  ReadLimits small;
  small.max_entry_bytes = 600;
  small.max_total_bytes = 2000;
  Got cut = read_all_entries(root, small);
  // 600 + 600 + 600 bytes (each cut by the entry cap), then 200 more reach the total cap.
  REQUIRE(cut.paths.size() == 4);
  CHECK(cut.content["f100"].find("max_entry_bytes") != std::string::npos);
  CHECK(cut.content["f102"].find("max_entry_bytes") != std::string::npos);
  CHECK(cut.content["f103"].find("max_total_bytes") != std::string::npos);
  CHECK(cut.report.issues.size() == 3);  // f103 is explained by stopped_by
  REQUIRE(cut.report.stopped_by.has_value());
  CHECK(cut.report.stopped_by->message.find("max_total_bytes") != std::string::npos);
  CHECK(cut.report.expanded_bytes == 2000);
}

TEST_CASE("bundle reader: a single compressed file is one entry with its bytes untouched", "[bundle]") {
  auto dir = temp();
  const std::string log = slurp(std::string(SM_TEST_DATA) + "/bundle/local-1430917381535_1");
  REQUIRE(log.size() == 5223);
  const std::string gz = gzip(log);
  write_file(dir.file("local-1430917381535_1.gz"), gz);
  Got g = read_all_entries(dir.file("local-1430917381535_1.gz"));
  CHECK(g.report.form == InputForm::single_file);
  CHECK(g.paths == std::vector<std::string>{"local-1430917381535_1.gz"});
  CHECK(g.content["local-1430917381535_1.gz"] == gz);
  CHECK(g.entries["local-1430917381535_1.gz"].size == static_cast<int64_t>(gz.size()));

  const std::string zst = std::string(SM_TEST_DATA) + "/bundle/eventlog_same_app_id_1.zstd";
  Got z = read_all_entries(zst);
  CHECK(z.report.form == InputForm::single_file);
  CHECK(z.content["eventlog_same_app_id_1.zstd"] == slurp(zst));

  write_file(dir.file("empty"), "");
  Got e = read_all_entries(dir.file("empty"));
  CHECK(e.paths == std::vector<std::string>{"empty"});
  CHECK(e.content["empty"].empty());
}

TEST_CASE("bundle reader: the History Server /logs zip", "[bundle]") {
  const std::string zip = std::string(SM_TEST_DATA) + "/bundle/eventLogs-application_1489705648216_1600.zip";
  Got g = read_all_entries(zip);
  CHECK(g.report.form == InputForm::archive);
  REQUIRE(g.paths == std::vector<std::string>{"application_1489705648216_1600"});
  const std::string& log = g.content["application_1489705648216_1600"];
  CHECK(log.size() == 177329);
  CHECK(log.rfind("{\"Event\":", 0) == 0);
  CHECK(g.report.expanded_bytes == 177329);
}

TEST_CASE("bundle reader: stdin is sniffed: archives are opened, other files pass through", "[bundle]") {
  auto dir = temp();
  const std::string log = slurp(std::string(SM_TEST_DATA) + "/bundle/local-1430917381535_1");
  // One compression: libarchive's gzip filter stamps the current second into the header.
  const std::string gz = gzip(log);
  write_file(dir.file("log.gz"), gz);
  {
    StdinFrom in(dir.file("log.gz"));
    Got g = read_all_entries("-");
    CHECK(g.report.form == InputForm::stdin_single);
    REQUIRE(g.paths == std::vector<std::string>{"stdin.gz"});
    CHECK(g.content["stdin.gz"] == gz);
    CHECK(g.entries["stdin.gz"].size == -1);
    CHECK(g.entries["stdin.gz"].display_name == "<stdin>");
  }
  {
    StdinFrom in(std::string(SM_TEST_DATA) + "/bundle/local-1430917381535_1");
    Got g = read_all_entries("-");
    CHECK(g.paths == std::vector<std::string>{"stdin"});
    CHECK(g.content["stdin"] == log);
  }
  {
    StdinFrom in(std::string(SM_TEST_DATA) + "/bundle/eventlog_same_app_id_1.zstd");
    CHECK(read_all_entries("-").paths == std::vector<std::string>{"stdin.zstd"});
  }
  {
    StdinFrom in(std::string(SM_TEST_DATA) + "/bundle/eventLogs-application_1489705648216_1600.zip");
    Got g = read_all_entries("-");
    CHECK(g.report.form == InputForm::stdin_archive);
    REQUIRE(g.paths == std::vector<std::string>{"application_1489705648216_1600"});
    CHECK(g.content["application_1489705648216_1600"].size() == 177329);
  }
}
