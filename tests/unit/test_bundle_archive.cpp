// read_bundle on archives crafted here with libarchive: every tar flavour and compression we
// accept, zip, and hostile archives (path traversal, absolute paths, links, devices,
// duplicate names). Asserts exactly what is delivered and what is reported.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

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

namespace {

struct Member {
  Member(std::string n, std::string d, mode_t t = AE_IFREG, std::string l = "", bool hard = false)
      : name(std::move(n)), data(std::move(d)), type(t), link(std::move(l)), hardlink(hard) {}
  std::string name;
  std::string data;
  mode_t type;
  std::string link;  // symlink target or hardlink source
  bool hardlink;
};

enum class Fmt { ustar, pax, gnu, zip };
enum class Filter { none, gzip, zstd };

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

// Builds an archive in memory. Names are written exactly as given (hostile ones included).
std::string craft(const std::vector<Member>& members, Fmt fmt, Filter filter = Filter::none) {
  std::string out;
  std::unique_ptr<archive, WriterFree> a(archive_write_new());
  switch (fmt) {
    case Fmt::ustar: archive_write_set_format_ustar(a.get()); break;
    case Fmt::pax: archive_write_set_format_pax(a.get()); break;
    case Fmt::gnu: archive_write_set_format_gnutar(a.get()); break;
    case Fmt::zip: archive_write_set_format_zip(a.get()); break;
  }
  if (filter == Filter::gzip) archive_write_add_filter_gzip(a.get());
  if (filter == Filter::zstd) archive_write_add_filter_zstd(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);
  REQUIRE(archive_write_open(a.get(), &out, nullptr, append_cb, nullptr) == ARCHIVE_OK);
  for (const auto& m : members) {
    std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
    archive_entry_copy_pathname(e.get(), m.name.c_str());
    archive_entry_set_filetype(e.get(), m.type);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_mtime(e.get(), 1700000000, 0);
    if (m.type == AE_IFLNK) archive_entry_copy_symlink(e.get(), m.link.c_str());
    if (m.hardlink) archive_entry_copy_hardlink(e.get(), m.link.c_str());
    const bool has_data = m.type == AE_IFREG && !m.hardlink;
    archive_entry_set_size(e.get(), has_data ? static_cast<la_int64_t>(m.data.size()) : 0);
    REQUIRE(archive_write_header(a.get(), e.get()) >= ARCHIVE_WARN);
    if (has_data && !m.data.empty())
      REQUIRE(archive_write_data(a.get(), m.data.data(), m.data.size()) == static_cast<la_ssize_t>(m.data.size()));
  }
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Got {
  std::vector<std::string> paths;
  std::map<std::string, std::string> content;
  ReadReport report;
};

Got read_all_entries(const std::string& input, const ReadLimits& limits = {}) {
  Got g;
  auto r = read_bundle(input, limits, [&](const Entry& e, sm::io::ByteSource& src) -> sm::Status {
    g.paths.push_back(e.path);
    auto bytes = sm::io::read_all(src, uint64_t{1} << 30);
    if (!bytes.ok()) return bytes.take_error();
    g.content[e.path] = std::move(bytes.value());
    return sm::ok_status();
  });
  REQUIRE(r.ok());
  g.report = std::move(r.value());
  return g;
}

std::vector<std::string> issue_paths(const ReadReport& r) {
  std::vector<std::string> out;
  for (const auto& i : r.issues) out.push_back(i.path);
  return out;
}

sm::TempDir temp() {
  auto t = sm::TempDir::create("sm-test-archive");
  REQUIRE(t.ok());
  return std::move(t.value());
}

}  // namespace

TEST_CASE("bundle archive: tar flavours and compressions deliver the same entries", "[bundle]") {
  const std::vector<Member> members = {
      {"sparkmedic-bundle-x-20240501T100000Z/manifest.json", "{}"},
      {"sparkmedic-bundle-x-20240501T100000Z/eventlogs/", "", AE_IFDIR},
      {"sparkmedic-bundle-x-20240501T100000Z/eventlogs/app-1.zstd", std::string(3000, 'z')},
      {"sparkmedic-bundle-x-20240501T100000Z/logs/driver/" + std::string(120, 'l') + ".log", "long name"},
  };
  auto dir = temp();
  // Plain ustar cannot hold the 150-character name at all (no pax or GNU long-name header).
  const std::vector<Member> short_members(members.begin(), members.begin() + 3);
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"b.tar", craft(short_members, Fmt::ustar)},
      {"b-pax.tar", craft(members, Fmt::pax)},
      {"b-gnu.tar", craft(members, Fmt::gnu)},
      {"b.tar.gz", craft(members, Fmt::pax, Filter::gzip)},
      {"b.tar.zst", craft(members, Fmt::pax, Filter::zstd)},
      {"b.zip", craft(members, Fmt::zip)},
      {"no-extension", craft(members, Fmt::gnu, Filter::zstd)},  // the bytes decide, not the name
  };
  for (const auto& [name, bytes] : inputs) {
    INFO(name);
    const std::string path = dir.file(name);
    write_file(path, bytes);
    Got g = read_all_entries(path);
    CHECK(g.report.form == InputForm::archive);
    std::vector<std::string> want = {"manifest.json", "eventlogs/app-1.zstd"};
    if (name != "b.tar") want.push_back("logs/driver/" + std::string(120, 'l') + ".log");
    CHECK(g.paths == want);
    CHECK(g.content["eventlogs/app-1.zstd"] == std::string(3000, 'z'));
    CHECK(g.report.entries == g.paths.size());
    CHECK_FALSE(g.report.stopped_by.has_value());
  }
}

TEST_CASE("bundle archive: the bundle root is stripped only when manifest.json comes first", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("late.tar"), craft({{"root/a.txt", "a"}, {"root/manifest.json", "{}"}}, Fmt::pax));
  Got late = read_all_entries(dir.file("late.tar"));
  CHECK(late.paths == std::vector<std::string>{"root/a.txt", "root/manifest.json"});
  REQUIRE(late.report.issues.size() == 1);
  CHECK(late.report.issues[0].message.find("not the first file") != std::string::npos);

  write_file(dir.file("plain.tar"), craft({{"top/a.txt", "a"}, {"top/b.txt", "b"}}, Fmt::pax));
  CHECK(read_all_entries(dir.file("plain.tar")).paths == std::vector<std::string>{"top/a.txt", "top/b.txt"});

  // Entries outside the bundle root keep their full path.
  write_file(dir.file("mixed.tar"), craft({{"r/manifest.json", "{}"}, {"r/x", "1"}, {"other/y", "2"}}, Fmt::pax));
  CHECK(read_all_entries(dir.file("mixed.tar")).paths == std::vector<std::string>{"manifest.json", "x", "other/y"});
}

TEST_CASE("bundle archive: hostile members are refused and nothing lands outside the sandbox", "[bundle]") {
  auto dir = temp();
  const std::vector<Member> members = {
      {"good.txt", "good"},
      {"../../x", "escape"},
      {"a/../../../x", "escape"},
      {"/etc/x", "absolute"},
      {"C:/windows/x", "drive"},
      {"..\\..\\x", "backslash escape"},
      {"passwd-link", "", AE_IFLNK, "/etc/passwd"},
      {"hard", "", AE_IFREG, "good.txt", true},
      {"fifo", "", AE_IFIFO},
      {"dev", "", AE_IFCHR},
      {"./sub/./ok.txt", "ok"},
      {"good.txt", "second copy"},
  };
  for (Fmt fmt : {Fmt::pax, Fmt::gnu}) {
    const std::string path = dir.file(fmt == Fmt::pax ? "hostile-pax.tar" : "hostile-gnu.tar");
    write_file(path, craft(members, fmt));
    // A naive consumer that extracts what it is given, deep inside the temp dir: if the reader
    // let a traversal through, x would appear next to "deep".
    const std::string sandbox = dir.file("deep/er/sandbox");
    std::filesystem::create_directories(sandbox);
    std::vector<std::string> delivered;
    auto r = read_bundle(path, {}, [&](const Entry& e, sm::io::ByteSource& src) -> sm::Status {
      delivered.push_back(e.path);
      const auto target = std::filesystem::weakly_canonical(sandbox + "/" + e.path).string();
      REQUIRE(target.rfind(sandbox + "/", 0) == 0);
      std::filesystem::create_directories(std::filesystem::path(target).parent_path());
      auto bytes = sm::io::read_all(src, 1 << 20);
      REQUIRE(bytes.ok());
      write_file(target, *bytes);
      return sm::ok_status();
    });
    REQUIRE(r.ok());
    CHECK(delivered == std::vector<std::string>{"good.txt", "sub/ok.txt"});
    CHECK(issue_paths(*r) == std::vector<std::string>{"../../x", "a/../../../x", "/etc/x", "C:/windows/x", "..\\..\\x",
                                                       "passwd-link", "hard", "fifo", "dev", "good.txt"});
    CHECK(r->issues[0].message == path + ": ../../x: path has a '..' component; skipped");
    CHECK(r->issues[2].message == path + ": /etc/x: absolute path; skipped");
    CHECK(r->issues[5].message == path + ": passwd-link: symbolic link to \"/etc/passwd\"; not followed, skipped");
    CHECK(r->issues[6].message == path + ": hard: hard link to \"good.txt\"; not followed, skipped");
    CHECK(r->issues[7].message == path + ": fifo: fifo; skipped");
    CHECK(r->issues[8].message == path + ": dev: character device; skipped");
    CHECK(r->issues[9].message.find("duplicate entry") != std::string::npos);
    CHECK_FALSE(r->stopped_by.has_value());
    CHECK_FALSE(std::filesystem::exists(dir.file("deep/x")));
    CHECK_FALSE(std::filesystem::exists(dir.file("x")));
    CHECK_FALSE(std::filesystem::exists("/etc/x"));
    std::filesystem::remove_all(dir.file("deep"));
  }
}

TEST_CASE("bundle archive: names with control bytes stay on one line", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("ctl.tar"), craft({{"../evil\nname\x1b[31m", "x"}}, Fmt::pax));
  Got g = read_all_entries(dir.file("ctl.tar"));
  REQUIRE(g.report.issues.size() == 1);
  CHECK(g.report.issues[0].path == "../evil\nname\x1b[31m");  // raw, for programs
  CHECK(g.report.issues[0].message.find('\n') == std::string::npos);
  CHECK(g.report.issues[0].message.find("\\x0aname\\x1b[31m") != std::string::npos);
}

TEST_CASE("bundle archive: a file named like an archive without an archive inside is an error", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("broken.tar.gz"), "this is not gzip");
  auto r = read_bundle(dir.file("broken.tar.gz"), {}, [](const Entry&, sm::io::ByteSource&) { return sm::ok_status(); });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == sm::ErrorKind::bad_input);
  CHECK(r.error().message.find("named like an archive") != std::string::npos);

  auto missing = read_bundle(dir.file("nope.tar"), {}, [](const Entry&, sm::io::ByteSource&) { return sm::ok_status(); });
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == sm::ErrorKind::io);
}

TEST_CASE("bundle archive: empty tar and empty zip are empty bundles", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("empty.tar"), craft({}, Fmt::pax));
  write_file(dir.file("empty.zip"), craft({}, Fmt::zip));
  for (const char* name : {"empty.tar", "empty.zip"}) {
    INFO(name);
    Got g = read_all_entries(dir.file(name));
    CHECK(g.report.form == InputForm::archive);
    CHECK(g.paths.empty());
    CHECK_FALSE(g.report.stopped_by.has_value());
  }
}

TEST_CASE("bundle archive: a visitor error stops the read and is reported as stopped_by", "[bundle]") {
  auto dir = temp();
  write_file(dir.file("three.tar"), craft({{"a", "1"}, {"b", "2"}, {"c", "3"}}, Fmt::pax));
  std::vector<std::string> seen;
  auto r = read_bundle(dir.file("three.tar"), {}, [&](const Entry& e, sm::io::ByteSource&) -> sm::Status {
    seen.push_back(e.path);
    if (e.path == "b") return sm::Error::bad_input("visitor gave up");
    return sm::ok_status();
  });
  REQUIRE(r.ok());
  CHECK(seen == std::vector<std::string>{"a", "b"});
  REQUIRE(r->stopped_by.has_value());
  CHECK(r->stopped_by->message == "visitor gave up");
  CHECK(r->entries == 2);
}
