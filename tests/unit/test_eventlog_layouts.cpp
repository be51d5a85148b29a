// Layouts: rolling directories (ordered by index, compaction), Spark 1.x directories,
// Databricks rotated logs, .inprogress files, and the same log through every input form.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "eventlog/layout.h"
#include "support.h"
#include "util/temp_dir.h"

using namespace sm;
namespace fs = std::filesystem;

namespace {
const std::string kRealLog = "eventlogs/corpus/apache__spark/core/src/test/resources/spark-events/local-1422981780767";

void write(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Splits a real log into n parts at line boundaries.
std::vector<std::string> split_lines(const std::string& log, size_t n) {
  std::vector<std::string> parts(n);
  size_t lines = static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
  size_t per = lines / n + 1, i = 0, start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    end = end == std::string::npos ? log.size() : end + 1;
    parts[std::min(i++ / per, n - 1)] += log.substr(start, end - start);
    start = end;
  }
  return parts;
}
}  // namespace

TEST_CASE("rolling parts are read in numeric order, not name order", "[eventlog][layout]") {
  auto dir = TempDir::create("sm-layout").value();
  std::string log = test::read_file(test::data_path(kRealLog));
  auto parts = split_lines(log, 12);
  std::string d = dir.file("eventlog_v2_local-1422981780767");
  for (size_t i = 0; i < parts.size(); ++i)
    write(d + "/events_" + std::to_string(i + 1) + "_local-1422981780767", parts[i]);
  write(d + "/appstatus_local-1422981780767", "");
  auto r = test::load(d);
  REQUIRE(r.apps.size() == 1);
  const auto& m = r.apps[0];
  CHECK(m.app.layout == "rolling");
  CHECK(m.jobs.size() == 3);
  CHECK(m.total_tasks_ended == 32);
  CHECK(m.app.completed);
  CHECK_FALSE(m.app.in_progress);
  for (const auto& w : m.warnings) CHECK(w.kind != "malformed_json");
}

TEST_CASE("rolling: in-progress marker, missing parts and compaction are reported", "[eventlog][layout]") {
  using eventlog::FileRef;
  auto ref = [](std::string p) { return FileRef{p, p, 0, nullptr, std::nullopt}; };
  auto logs = eventlog::find_event_logs({ref("x/eventlog_v2_app-1/events_10_app-1.zstd"),
                                         ref("x/eventlog_v2_app-1/events_9_app-1.zstd"),
                                         ref("x/eventlog_v2_app-1/events_2_app-1.compact"),
                                         ref("x/eventlog_v2_app-1/events_1_app-1.zstd"),
                                         ref("x/eventlog_v2_app-1/events_2_app-1.zstd"),
                                         ref("x/eventlog_v2_app-1/events_3_app-1.zstd"),
                                         ref("x/eventlog_v2_app-1/appstatus_app-1.inprogress")});
  REQUIRE(logs.size() == 1);
  const auto& in = logs[0];
  CHECK(in.layout == eventlog::Layout::rolling);
  CHECK(in.in_progress);
  CHECK(in.compacted);
  REQUIRE(in.parts.size() == 4);
  CHECK(in.parts[0].path == "x/eventlog_v2_app-1/events_2_app-1.compact");
  CHECK(in.parts[1].path == "x/eventlog_v2_app-1/events_3_app-1.zstd");
  CHECK(in.parts[2].path == "x/eventlog_v2_app-1/events_9_app-1.zstd");
  CHECK(in.parts[3].path == "x/eventlog_v2_app-1/events_10_app-1.zstd");
  REQUIRE(in.notes.size() == 1);
  CHECK(in.notes[0] == "rolling parts 4..8 are missing");
}

TEST_CASE("Spark 1.x log directories and Databricks rotated logs", "[eventlog][layout]") {
  auto dir = TempDir::create("sm-layout").value();
  std::string log = test::read_file(test::data_path(kRealLog));
  SECTION("Spark 1.x: EVENT_LOG_1 with markers; no APPLICATION_COMPLETE means in progress") {
    std::string d = dir.file("local-1422981780767");
    write(d + "/EVENT_LOG_1", log);
    write(d + "/SPARK_VERSION_1.2.0", "");
    auto r = test::load(d);
    REQUIRE(r.apps.size() == 1);
    CHECK(r.apps[0].app.layout == "legacy_dir");
    CHECK(r.apps[0].app.in_progress);
    CHECK(r.apps[0].total_tasks_ended == 32);
    write(d + "/APPLICATION_COMPLETE", "");
    auto r2 = test::load(d);
    REQUIRE(r2.apps.size() == 1);
    CHECK_FALSE(r2.apps[0].app.in_progress);
  }
  SECTION("Databricks: dated parts first, then eventlog") {
    auto parts = split_lines(log, 3);
    std::string d = dir.file("db");
    write(d + "/eventlog-2015-02-03--16-00", parts[0]);
    write(d + "/eventlog-2015-02-03--17-00", parts[1]);
    write(d + "/eventlog", parts[2]);
    auto r = test::load(d);
    REQUIRE(r.apps.size() == 1);
    CHECK(r.apps[0].app.layout == "databricks");
    CHECK(r.apps[0].jobs.size() == 3);
    CHECK(r.apps[0].total_tasks_ended == 32);
  }
}

TEST_CASE("an .inprogress single file is flagged and its stages stay active", "[eventlog][layout]") {
  auto dir = TempDir::create("sm-layout").value();
  std::string log = test::read_file(test::data_path(kRealLog));
  std::string cut = log.substr(0, log.size() / 2);
  write(dir.file("local-1422981780767.inprogress"), cut);
  auto r = test::load(dir.file("local-1422981780767.inprogress"));
  REQUIRE(r.apps.size() == 1);
  CHECK(r.apps[0].app.in_progress);
  CHECK_FALSE(r.apps[0].app.completed);
  bool warned = false;
  for (const auto& w : r.apps[0].warnings) warned |= w.kind == "in_progress";
  CHECK(warned);
}

TEST_CASE("the corpus rolling log agrees with its single-file twin", "[eventlog][layout]") {
  // eventlog_v2_local-1623876083964 (zstd rolling) and db_sim_eventlog (Databricks) are the
  // same application as eventlog_driver_only: all three must give the same counts.
  std::string base = "eventlogs/corpus/NVIDIA__spark-rapids-tools/core/src/test/resources/spark-events-qualification/";
  auto rolling = test::load(test::data_path(base + "eventlog_v2_local-1623876083964"));
  auto databricks = test::load(test::data_path(base + "db_sim_eventlog"));
  REQUIRE(rolling.apps.size() == 1);
  REQUIRE(databricks.apps.size() == 1);
  CHECK(rolling.apps[0].app.app_id == "local-1623876083964");
  CHECK(rolling.apps[0].app.codec == "zstd");
  CHECK(databricks.apps[0].app.codec.find("gzip") != std::string::npos);
  CHECK(rolling.apps[0].total_tasks_ended == databricks.apps[0].total_tasks_ended);
  CHECK(rolling.apps[0].jobs.size() == databricks.apps[0].jobs.size());
}
