// Staging + ManifestBuilder + write_bundle + read_bundle/verify_bundle: the same files with
// the same SHA-256 come back in every format; output is reproducible and carries no owner
// names; tampering is detected.
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
#include "bundle/bundle_verify.h"
#include "bundle/bundle_writer.h"
#include "bundle/manifest_builder.h"
#include "util/sha256.h"
#include "util/temp_dir.h"

using namespace sm::bundle;
namespace fs = std::filesystem;

namespace {

constexpr time_t kMtime = 1714557600;  // 2024-05-01T10:00:00Z

struct ReaderFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

void write_file(const std::string& path, const std::string& bytes, mode_t mode = 0644) {
  fs::create_directories(fs::path(path).parent_path());
  {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ::chmod(path.c_str(), mode);
  const timespec times[2] = {{kMtime, 0}, {kMtime, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

sm::TempDir temp() {
  auto t = sm::TempDir::create("sm-test-writer");
  REQUIRE(t.ok());
  return std::move(t.value());
}

// Stages a small bundle the way the collector does and returns its manifest.
Manifest stage(const std::string& staged) {
  const std::string log = slurp(std::string(SM_TEST_DATA) + "/bundle/local-1430917381535_1");
  write_file(staged + "/eventlogs/local-1430917381535_1", log);
  write_file(staged + "/eventlogs/eventlog_v2_app-2/events_1_app-2.zstd", slurp(std::string(SM_TEST_DATA) + "/bundle/eventlog_same_app_id_1.zstd"));
  write_file(staged + "/eventlogs/eventlog_v2_app-2/appstatus_app-2.inprogress", "");
  write_file(staged + "/logs/driver/driver.log", "24/05/01 10:00:00 ERROR Executor lost\n");
  write_file(staged + "/logs/executors/1/run.sh", "#!/bin/sh\n", 0755);
  ManifestBuilder b(staged);
  b.manifest().collector = {"test", "1"};
  b.manifest().created_at = "2024-05-01T10:00:00Z";
  SourceRecord ev;
  ev.name = "eventlogs";
  ev.kind = "local-eventlog";
  b.add_source(ev, {"eventlogs"});
  SourceRecord logs;
  logs.name = "logs";
  logs.kind = "local-log";
  b.add_source(logs, {"logs/"});
  FileNote cut;
  cut.truncated = true;
  cut.original_size = 9999;
  cut.origin = "/var/log/driver.log";
  b.note_file("logs/driver/driver.log", cut);
  auto m = b.finish();
  REQUIRE(m.ok());
  return *m;
}

std::map<std::string, std::string> digests_read_back(const std::string& input, std::vector<std::string>* order) {
  std::map<std::string, std::string> out;
  auto r = read_bundle(input, {}, [&](const Entry& e, sm::io::ByteSource& src) -> sm::Status {
    order->push_back(e.path);
    auto d = sm::sha256_hex_of(src);
    if (!d.ok()) return d.take_error();
    out[e.path] = *d;
    return sm::ok_status();
  });
  REQUIRE(r.ok());
  CHECK(r->issues.empty());
  CHECK_FALSE(r->stopped_by.has_value());
  return out;
}

}  // namespace

TEST_CASE("bundle writer: ManifestBuilder measures, hashes and attributes staged files", "[bundle]") {
  auto dir = temp();
  const Manifest m = stage(dir.file("s"));
  REQUIRE(m.files.size() == 5);
  std::vector<std::string> paths;
  for (const auto& f : m.files) paths.push_back(f.path);
  CHECK(paths == std::vector<std::string>{"eventlogs/eventlog_v2_app-2/appstatus_app-2.inprogress",
                                          "eventlogs/eventlog_v2_app-2/events_1_app-2.zstd",
                                          "eventlogs/local-1430917381535_1", "logs/driver/driver.log",
                                          "logs/executors/1/run.sh"});
  const FileRecord* log = m.find_file("eventlogs/local-1430917381535_1");
  REQUIRE(log != nullptr);
  CHECK(log->size == 5223);
  CHECK(log->sha256 == sm::Sha256::hex_of(slurp(std::string(SM_TEST_DATA) + "/bundle/local-1430917381535_1")));
  CHECK(log->content_type == "spark-eventlog");
  CHECK(log->source == "eventlogs");
  CHECK(m.find_file("eventlogs/eventlog_v2_app-2/events_1_app-2.zstd")->content_type == "spark-eventlog-rolling-part");
  CHECK(m.find_file("eventlogs/eventlog_v2_app-2/appstatus_app-2.inprogress")->content_type == "spark-eventlog-status");
  const FileRecord* driver = m.find_file("logs/driver/driver.log");
  CHECK(driver->truncated);
  CHECK(driver->original_size == uint64_t{9999});
  CHECK(driver->origin == std::string("/var/log/driver.log"));
  CHECK(driver->content_type == "log");
  CHECK(m.find_source("logs")->files == 2);
  CHECK(m.find_source("logs")->truncated);
  CHECK(m.find_source("eventlogs")->bytes == 5223 + 27066);
  // What was written is what a reader parses.
  auto parsed = parse_manifest(slurp(dir.file("s/manifest.json")), "manifest.json");
  REQUIRE(parsed.ok());
  CHECK(to_json(*parsed) == to_json(m));
}

TEST_CASE("bundle writer: a file that belongs to no source is refused", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("s/stray/x"), "x");
  ManifestBuilder b(dir.file("s"));
  b.manifest().collector = {"test", "1"};
  b.manifest().created_at = "2024-05-01T10:00:00Z";
  auto m = b.finish();
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().message.find("stray/x: staged file belongs to no source") != std::string::npos);
}

TEST_CASE("bundle writer: every format round-trips with matching SHA-256", "[bundle]") {
  auto dir = temp();
  const std::string staged = dir.file("sparkmedic-bundle-app-1-20240501T100000Z");
  const Manifest m = stage(staged);
  for (ArchiveFormat f : {ArchiveFormat::tar_zst, ArchiveFormat::tar_gz, ArchiveFormat::tar, ArchiveFormat::zip,
                          ArchiveFormat::directory}) {
    INFO(format_name(f));
    const std::string out = dir.file("out" + std::string(format_extension(f)));
    WriteOptions o;
    o.format = f;
    auto w = write_bundle(staged, out, o);
    REQUIRE(w.ok());
    CHECK(w->files == 6);
    CHECK(w->skipped.empty());
    CHECK_FALSE(fs::exists(out + ".partial-" + std::to_string(::getpid())));
    std::vector<std::string> order;
    auto got = digests_read_back(out, &order);
    REQUIRE(order.size() == 6);
    CHECK(order.front() == "manifest.json");
    for (const auto& file : m.files) CHECK(got[file.path] == file.sha256);
    auto v = verify_bundle(out);
    REQUIRE(v.ok());
    CHECK(v->problems.empty());
    CHECK(v->ok());
    CHECK(v->files_checked == 5);
    // Never replaces an existing output.
    auto again = write_bundle(staged, out, o);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().message.find("already exists") != std::string::npos);
  }
}

TEST_CASE("bundle writer: archives are reproducible and carry no owners", "[bundle]") {
  auto dir = temp();
  const std::string staged = dir.file("stage");
  stage(staged);
  for (ArchiveFormat f : {ArchiveFormat::tar_zst, ArchiveFormat::tar_gz, ArchiveFormat::tar, ArchiveFormat::zip}) {
    INFO(format_name(f));
    WriteOptions o;
    o.format = f;
    o.root_name = "sparkmedic-bundle-x-20240501T100000Z";
    const std::string a = dir.file("a" + std::string(format_extension(f)));
    const std::string b = dir.file("b" + std::string(format_extension(f)));
    REQUIRE(write_bundle(staged, a, o).ok());
    REQUIRE(write_bundle(staged, b, o).ok());
    CHECK(slurp(a) == slurp(b));

    std::unique_ptr<archive, ReaderFree> r(archive_read_new());
    archive_read_support_filter_all(r.get());
    archive_read_support_format_all(r.get());
    REQUIRE(archive_read_open_filename(r.get(), a.c_str(), 1 << 16) == ARCHIVE_OK);
    archive_entry* e = nullptr;
    std::vector<std::string> names;
    while (archive_read_next_header(r.get(), &e) == ARCHIVE_OK) {
      const std::string name = archive_entry_pathname(e);
      names.push_back(name);
      CHECK(archive_entry_filetype(e) == AE_IFREG);
      if (!name.ends_with("/manifest.json")) CHECK(archive_entry_mtime(e) == kMtime);  // written just now
      if (f != ArchiveFormat::zip) {
        CHECK(archive_entry_uid(e) == 0);
        CHECK(archive_entry_gid(e) == 0);
        const char* uname = archive_entry_uname(e);
        const char* gname = archive_entry_gname(e);
        CHECK((uname == nullptr || *uname == '\0'));
        CHECK((gname == nullptr || *gname == '\0'));
      }
      const mode_t perm = archive_entry_perm(e);
      CHECK(perm == (name.ends_with("run.sh") ? 0755u : 0644u));
    }
    REQUIRE(names.size() == 6);
    CHECK(names.front() == "sparkmedic-bundle-x-20240501T100000Z/manifest.json");
  }
}

TEST_CASE("bundle writer: refuses a staged directory without manifest.json", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("s/eventlogs/a"), "a");
  auto w = write_bundle(dir.file("s"), dir.file("o.tar"), {});
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().message.find("no manifest.json") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.file("o.tar")));
}

TEST_CASE("bundle verify: tampering, missing and unlisted files are reported", "[bundle]") {
  auto dir = temp();
  const std::string staged = dir.file("s");
  stage(staged);
  WriteOptions o;
  o.format = ArchiveFormat::directory;
  const std::string out = dir.file("b");
  REQUIRE(write_bundle(staged, out, o).ok());
  write_file(out + "/logs/driver/driver.log", "24/05/01 10:00:00 ERROR Executor LOST\n");  // same size
  fs::remove(out + "/logs/executors/1/run.sh");
  write_file(out + "/extra.txt", "x");
  auto v = verify_bundle(out);
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok());
  CHECK(v->files_checked == 3);
  CHECK(v->problems == std::vector<std::string>{out + ": logs/driver/driver.log: SHA-256 differs from the manifest's",
                                                out + ": logs/executors/1/run.sh: listed in the manifest but missing",
                                                out + ": extra.txt: in the bundle but not listed in the manifest"});
}

TEST_CASE("bundle writer: format names and extensions", "[bundle]") {
  CHECK(parse_archive_format("tar.zst") == ArchiveFormat::tar_zst);
  CHECK(parse_archive_format("tgz") == ArchiveFormat::tar_gz);
  CHECK(parse_archive_format("dir") == ArchiveFormat::directory);
  CHECK_FALSE(parse_archive_format("rar").has_value());
  CHECK(format_from_path("/x/b.tar.zst") == ArchiveFormat::tar_zst);
  CHECK(format_from_path("b.tgz") == ArchiveFormat::tar_gz);
  CHECK(format_from_path("b.zip") == ArchiveFormat::zip);
  CHECK_FALSE(format_from_path("bundle").has_value());
  CHECK(format_extension(ArchiveFormat::tar_gz) == ".tar.gz");
  CHECK(format_extension(ArchiveFormat::directory).empty());
}
