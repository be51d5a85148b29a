// Every real event log of the corpus is read, and what we count agrees with the corpus
// inventory (tests/data/eventlogs/corpus/MANIFEST.json, computed independently in Python).
#include <catch2/catch.hpp>

#include <map>

#include "support.h"

namespace {
// Describes how two count maps differ ("" when equal), so a failure names the event.
std::string map_diff(const std::map<std::string, int64_t>& ours, const std::map<std::string, int64_t>& expected) {
  std::string d;
  for (const auto& [k, v] : expected) {
    auto it = ours.find(k);
    if (it == ours.end()) d += k + ": missing (expected " + std::to_string(v) + "); ";
    else if (it->second != v) d += k + ": " + std::to_string(it->second) + " (expected " + std::to_string(v) + "); ";
  }
  for (const auto& [k, v] : ours)
    if (!expected.count(k)) d += k + ": " + std::to_string(v) + " (not expected); ";
  return d;
}
}  // namespace

using namespace sm;

TEST_CASE("every corpus event log is read and agrees with the inventory", "[eventlog][corpus]") {
  simdjson::dom::parser parser;
  auto manifest = test::parse_json_file(parser, test::data_path("eventlogs/corpus/MANIFEST.json"));
  size_t checked = 0;
  for (auto row : manifest["rows"].get_array()) {
    std::string rel(row["path"].get_string().value());
    DYNAMIC_SECTION(rel) {
      auto loaded = test::load(test::data_path("eventlogs/corpus/" + rel));
      auto summary = row["summary"];
      if (summary.is_null()) {
        // The empty file: no application, and an issue naming the file.
        CHECK(loaded.apps.empty());
        REQUIRE(!loaded.issues.empty());
        CHECK(loaded.issues[0].source.find("file_event_log_empty_test") != std::string::npos);
        continue;
      }
      REQUIRE(loaded.apps.size() == 1);
      const auto& m = loaded.apps[0];
      // Event counts by type.
      std::map<std::string, int64_t> expected_events, ours;
      for (auto [k, v] : summary["event_types"].get_object()) expected_events[std::string(k)] = test::i64(v);
      // The inventory drops the "org.apache.spark.scheduler." prefix some writers put on
      // exclusion events; we keep names as written, so compare without it.
      for (const auto& c : m.event_counts) {
        std::string name = c.event;
        if (name.rfind("org.apache.spark.scheduler.", 0) == 0) name = name.substr(27);
        ours[name] += c.count;
      }
      CHECK(map_diff(ours, expected_events) == "");
      // Tasks and failed tasks by end reason.
      CHECK(m.total_tasks_ended == test::i64(summary["tasks"]));
      std::map<std::string, int64_t> expected_failed, our_failed;
      for (auto [k, v] : summary["failed_tasks_by_reason"].get_object()) expected_failed[std::string(k)] = test::i64(v);
      for (const auto& g : m.failed_task_groups) our_failed[g.reason] += g.count;
      CHECK(map_diff(our_failed, expected_failed) == "");
      // Jobs and failed jobs.
      CHECK(static_cast<int64_t>(m.jobs.size()) == test::i64(summary["jobs"]));
      int64_t failed_jobs = 0;
      for (const auto& j : m.jobs) failed_jobs += j.status == eventlog::JobStatus::failed;
      CHECK(failed_jobs == test::i64(summary["failed_jobs"]));
      // The application id, when the log has one.
      if (summary["app_id"].is_string()) CHECK(m.app.app_id == std::string(summary["app_id"].get_string().value()));
      // Malformed lines are reported with a file and line number.
      if (test::i64(summary["malformed_lines"]) > 0) {
        bool warned = false;
        for (const auto& w : m.warnings)
          warned |= (w.kind == "malformed_json" || w.kind == "truncated_line") && w.line > 0;
        CHECK(warned);
      }
      ++checked;
    }
  }
  (void)checked;
}
