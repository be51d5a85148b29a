// Bad input never crashes or hangs, gets a one-line message naming the file (and line), and
// whatever could be read is still reported.
#include <catch2/catch.hpp>

#include <zlib.h>
#include <zstd.h>

#include <fstream>
#include <random>

#include "support.h"
#include "util/temp_dir.h"

using namespace sm;

namespace {

const std::string kRealLog = "eventlogs/corpus/apache__spark/core/src/test/resources/spark-events/local-1422981780767";

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string zstd_compress(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  out.resize(n);
  return out;
}

std::string gzip_compress(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

bool one_line(const std::string& s) { return s.find('\n') == std::string::npos; }

}  // namespace

TEST_CASE("bad input: empty file, random bytes, JSON that is not events", "[eventlog][bad]") {
  auto dir = TempDir::create("sm-bad").value();
  SECTION("empty file") {
    write(dir.file("app-1"), "");
    auto r = test::load(dir.file("app-1"));
    CHECK(r.apps.empty());
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].message.find("app-1") != std::string::npos);
    CHECK(r.issues[0].message.find("empty") != std::string::npos);
  }
  SECTION("random bytes") {
    std::mt19937 rng(42);
    std::string junk(1 << 20, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    write(dir.file("app-2.zstd"), junk);
    auto r = test::load(dir.file("app-2.zstd"));
    CHECK(r.apps.empty());
    REQUIRE(!r.issues.empty());
    CHECK(one_line(r.issues[0].message));
    CHECK(r.issues[0].message.find("app-2.zstd") != std::string::npos);
  }
  SECTION("JSON lines that are not events") {
    write(dir.file("notes.json"), "{\"a\":1}\n{\"b\":2}\n");
    auto r = test::load(dir.file("notes.json"));
    CHECK(r.apps.empty());
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].message.find("notes.json:1") != std::string::npos);
    CHECK(r.issues[0].message.find("not a Spark event log") != std::string::npos);
  }
}

TEST_CASE("bad input: damaged lines inside a real log are reported and the rest is kept", "[eventlog][bad]") {
  auto dir = TempDir::create("sm-bad").value();
  std::string log = test::read_file(test::data_path(kRealLog));
  // Insert garbage, a non-event JSON line, invalid UTF-8, deep nesting and a cut last line.
  size_t second = log.find('\n') + 1;
  std::string deep = "{\"Event\":\"X\",\"d\":" + std::string(1000, '[') + std::string(1000, ']') + "}\n";
  std::string damaged = log.substr(0, second) + "this is not json\n" + "{\"no_event\":true}\n" +
                        "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"\xff\xfe\"}\n" + deep +
                        log.substr(second);
  damaged += "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":99,\"Stage In";  // cut mid-line
  write(dir.file("local-1422981780767"), damaged);
  auto r = test::load(dir.file("local-1422981780767"));
  REQUIRE(r.apps.size() == 1);
  const auto& m = r.apps[0];
  CHECK(m.jobs.size() == 3);  // the cut job start is not invented
  CHECK(m.total_tasks_ended == 32);
  std::map<std::string, int> kinds;
  for (const auto& w : m.warnings) {
    kinds[w.kind]++;
    CHECK(one_line(w.message));
    CHECK(w.file.find("local-1422981780767") != std::string::npos);
  }
  CHECK(kinds["malformed_json"] >= 2);  // garbage, invalid UTF-8
  CHECK(kinds["not_an_event"] == 1);    // valid JSON without "Event"
  CHECK(kinds["truncated_line"] == 1);
  // The deeply nested line is an unknown event; its body is never walked, so depth costs nothing.
  bool unknown_counted = false;
  for (const auto& c : m.event_counts) unknown_counted |= c.event == "X" && !c.known;
  CHECK(unknown_counted);
  bool line_numbers = true;
  for (const auto& w : m.warnings)
    if (w.kind == "malformed_json" || w.kind == "not_an_event" || w.kind == "truncated_line") line_numbers &= w.line > 0;
  CHECK(line_numbers);
}

TEST_CASE("bad input: a 100 MB single line is skipped without buffering it whole", "[eventlog][bad]") {
  auto dir = TempDir::create("sm-bad").value();
  std::string log = test::read_file(test::data_path(kRealLog));
  {
    std::ofstream out(dir.file("big-line"), std::ios::binary);
    size_t second = log.find('\n') + 1;
    out << log.substr(0, second) << "{\"Event\":\"Huge\",\"x\":\"";
    std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "\"}\n" << log.substr(second);
  }
  ingest::LoadOptions opts;
  opts.read.lines.max_line_bytes = 16 << 20;  // below the line, so it must be skipped
  auto r = test::load(dir.file("big-line"), opts);
  REQUIRE(r.apps.size() == 1);
  CHECK(r.apps[0].total_tasks_ended == 32);
  bool found = false;
  for (const auto& w : r.apps[0].warnings)
    if (w.kind == "oversized_line") {
      found = true;
      CHECK(w.line == 2);
    }
  CHECK(found);
}

TEST_CASE("bad input: wrong extension and gzip holding zstd are decoded with a warning", "[eventlog][bad]") {
  auto dir = TempDir::create("sm-bad").value();
  std::string log = test::read_file(test::data_path(kRealLog));
  SECTION("plain text named .zstd") {
    write(dir.file("local-1422981780767.zstd"), log);
    auto r = test::load(dir.file("local-1422981780767.zstd"));
    REQUIRE(r.apps.size() == 1);
    CHECK(r.apps[0].total_tasks_ended == 32);
    bool warned = false;
    for (const auto& w : r.apps[0].warnings) warned |= w.kind == "codec";
    CHECK(warned);
  }
  SECTION("gzip holding zstd") {
    write(dir.file("local-1422981780767.gz"), gzip_compress(zstd_compress(log)));
    auto r = test::load(dir.file("local-1422981780767.gz"));
    REQUIRE(r.apps.size() == 1);
    CHECK(r.apps[0].total_tasks_ended == 32);
    bool warned = false;
    for (const auto& w : r.apps[0].warnings) warned |= w.kind == "codec" && w.message.find("zstd") != std::string::npos;
    CHECK(warned);
  }
  SECTION("zstd cut in the middle keeps the events before the cut") {
    // A log large enough to span many zstd blocks (a real 35 MB one).
    std::string z = test::read_file(test::data_path(
        "eventlogs/corpus/NVIDIA__spark-rapids-tools/core/src/test/resources/spark-events-profiling/"
        "tasks_executors_fail_compressed_eventlog.zstd"));
    write(dir.file("app.zstd"), z.substr(0, z.size() * 2 / 3));
    auto r = test::load(dir.file("app.zstd"));
    REQUIRE(r.apps.size() == 1);
    CHECK(r.apps[0].total_tasks_started > 0);
    bool warned = false;
    for (const auto& w : r.apps[0].warnings) warned |= w.kind == "truncated_stream";
    CHECK(warned);
  }
}
