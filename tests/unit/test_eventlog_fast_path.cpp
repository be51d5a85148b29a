// The hand-written task-line scanner must give exactly what the general simdjson parser gives,
// on every real log and on lines crafted to stress string and escape handling.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "eventlog/fast_task_parser.h"
#include "support.h"
#include "util/temp_dir.h"

using namespace sm;

namespace {

// What both paths must agree on.
std::string fingerprint(const eventlog::AppModel& m) {
  std::string f = std::to_string(m.total_tasks_started) + "/" + std::to_string(m.total_tasks_ended) + ";";
  for (const auto& c : m.event_counts) f += c.event + "=" + std::to_string(c.count) + ",";
  for (const auto& s : m.stages) {
    const auto& t = s.totals;
    f += "S" + std::to_string(s.stage_id) + "." + std::to_string(s.attempt_id) + ":" + eventlog::to_string(s.status) +
         "," + std::to_string(s.completed_tasks) + "," + std::to_string(s.failed_tasks) + "," +
         std::to_string(t.executor_run_time) + "," + std::to_string(t.shuffle_read_bytes()) + "," +
         std::to_string(t.shuffle_write_bytes) + "," + std::to_string(t.input_bytes) + "," +
         std::to_string(t.peak_execution_memory) + "," + std::to_string(t.memory_bytes_spilled);
    if (s.quantiles)
      for (const auto& v : s.quantiles->value)
        for (double x : v) f += "," + std::to_string(static_cast<int64_t>(x));
    for (size_t i = 0; i < eventlog::kExecutorMetricCount; ++i) f += "," + std::to_string(s.peak_executor_metrics.value[i]);
    f += ";";
  }
  for (const auto& x : m.executors)
    f += "E" + x.id + ":" + std::to_string(x.completed_tasks) + "," + std::to_string(x.failed_tasks) + "," +
         std::to_string(x.total_duration) + "," + std::to_string(x.total_gc_time) + "," +
         std::to_string(x.total_shuffle_read) + "," + std::to_string(x.peak_metrics.value[0]) + ";";
  for (const auto& g : m.failed_task_groups) f += "F" + g.reason + "=" + std::to_string(g.count) + ";";
  return f;
}

std::vector<std::string> corpus_logs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::data_path("eventlogs/corpus"))) {
    if (!e.is_regular_file()) continue;
    std::string p = e.path().string();
    if (p.find("ProfilingExpectations") != std::string::npos || p.find(".json") != std::string::npos ||
        p.find("/eventlog_v2_") != std::string::npos || p.find("/db_sim_eventlog/") != std::string::npos)
      continue;
    out.push_back(p);
  }
  return out;
}

}  // namespace

TEST_CASE("fast task-line scanner and simdjson parser agree on every corpus log", "[eventlog][fast]") {
  for (const auto& path : corpus_logs()) {
    ingest::LoadOptions fast, slow;
    slow.read.fast_task_lines = false;
    slow.read.parse_workers = 0;
    auto a = test::load(path, fast);
    auto b = test::load(path, slow);
    INFO(path);
    REQUIRE(a.apps.size() == b.apps.size());
    for (size_t i = 0; i < a.apps.size(); ++i) CHECK(fingerprint(a.apps[i]) == fingerprint(b.apps[i]));
  }
}

TEST_CASE("fast scanner handles escapes, brackets in strings and 64-byte block edges", "[eventlog][fast]") {
  // A real TaskEnd line (Spark 3.1 app-20200706201101-0003) whose accumulable names are then
  // rewritten to stress the scanner: escaped quotes, brackets and braces inside strings, and
  // runs of backslashes placed across 64-byte block boundaries.
  std::string log = test::read_file(test::data_path(
      "eventlogs/corpus/apache__spark/core/src/test/resources/spark-events/app-20200706201101-0003"));
  size_t at = log.find("{\"Event\":\"SparkListenerTaskEnd\"");
  REQUIRE(at != std::string::npos);
  std::string line = log.substr(at, log.find('\n', at) - at);
  const std::string name = "\"Name\":\"number of output rows\"";
  REQUIRE(line.find(name) != std::string::npos);
  std::vector<std::string> tricky = {
      R"("Name":"a \"quoted\" ]} name [{")",
      R"("Name":"ends with backslash \\")",
      "\"Name\":\"" + std::string(101, '\\') + "\"]\"",  // 101: the last one escapes a quote
      R"("Name":"unicode \u005d \u007d and ] }")",
  };
  for (size_t pad = 0; pad < 64; pad += 7) {
    for (const auto& t : tricky) {
      std::string variant = line;
      variant.replace(variant.find(name), name.size(), std::string(pad, ' ') + t);
      variant.append(64, '\0');  // the padding contract
      std::string_view v(variant.data(), variant.size() - 64);
      eventlog::TaskStartEvent s;
      eventlog::TaskEndEvent e;
      auto kind = eventlog::FastTaskParser::parse(v, s, e);
      INFO(t << " pad " << pad);
      REQUIRE(kind == eventlog::FastTaskParser::Kind::task_end);
      CHECK(e.info.task_id == 6);
      CHECK(e.metrics.executor_run_time == 80);
      CHECK(e.task_executor_metrics.value[0] == 155100856);
    }
  }
  // Unbalanced: a quote that never closes inside the accumulables must be declined.
  std::string broken = line;
  broken.replace(broken.find(name), name.size(), R"("Name":"never closed)");
  broken.append(64, '\0');
  eventlog::TaskStartEvent s;
  eventlog::TaskEndEvent e;
  CHECK(eventlog::FastTaskParser::parse(std::string_view(broken.data(), broken.size() - 64), s, e) ==
        eventlog::FastTaskParser::Kind::declined);
}

TEST_CASE("every container skipper the build has finds the same ends on real and tricky lines", "[eventlog][fast]") {
  // The parser uses AVX2 where the CPU has it, so the portable skipper would go untested on
  // such machines: both run here on the same real TaskEnd line (Spark 3.1
  // app-20200706201101-0003) and on its tricky rewrites.
  std::string log = test::read_file(test::data_path(
      "eventlogs/corpus/apache__spark/core/src/test/resources/spark-events/app-20200706201101-0003"));
  size_t at = log.find("{\"Event\":\"SparkListenerTaskEnd\"");
  REQUIRE(at != std::string::npos);
  const std::string line = log.substr(at, log.find('\n', at) - at);
  const std::string name = "\"Name\":\"number of output rows\"";
  std::vector<eventlog::detail::SkipContainerFn> skippers = {eventlog::detail::skip_container_portable};
  if (auto avx2 = eventlog::detail::skip_container_avx2_if_supported()) skippers.push_back(avx2);
  INFO(skippers.size() << " skipper(s)");
  std::vector<std::string> variants = {line};
  for (const auto& t : {std::string(R"("Name":"a \"quoted\" ]} name [{")"), std::string(R"("Name":"ends with backslash \\")"),
                        "\"Name\":\"" + std::string(101, '\\') + "\"]\"", std::string(R"("Name":"never closed)")})
    for (size_t pad = 0; pad < 64; pad += 9) {
      std::string v = line;
      v.replace(v.find(name), name.size(), std::string(pad, ' ') + t);
      variants.push_back(v);
    }
  for (const auto& v : variants) {
    std::string padded = v + std::string(64, '\0');  // the padding contract
    const char* begin = padded.data();
    const char* end = begin + v.size();
    const size_t acc = v.find("\"Accumulables\":[") + std::string("\"Accumulables\":").size();
    const bool balanced = v.find("never closed") == std::string::npos;
    INFO("variant of " << v.size() << " bytes, balanced " << balanced);
    for (auto skip : skippers) {
      // Every skipper gives the portable one's answers, whatever the line.
      CHECK(skip(begin, end) == skippers[0](begin, end));
      CHECK(skip(begin + acc, end) == skippers[0](begin + acc, end));
      if (!balanced) continue;
      // The whole event ends at the line's last byte; the accumulables array right before the
      // "},"Task Executor Metrics" that follows it in the real line.
      CHECK(skip(begin, end) == end);
      const char* after = skip(begin + acc, end);
      REQUIRE(after != nullptr);
      CHECK(std::string_view(after, 24) == "},\"Task Executor Metrics");
    }
  }
}
