// Zero-copy reading: a large plain file is mapped and parsed in place. Every line, offset and
// answer must be exactly what the copying reader gives, at every chunk edge, for long lines,
// over-long lines, a last line without a newline, and a real log read both ways.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "eventlog/line_pipeline.h"
#include "io/byte_source.h"
#include "support.h"
#include "util/temp_dir.h"

using namespace sm;

namespace {

struct SeenLine {
  eventlog::PipelineLine::Kind kind;
  uint64_t number, offset;
  bool complete;
  std::string text;
  int64_t task_id;
  std::string executor_id;
  uint64_t oversized_bytes;
  bool operator==(const SeenLine&) const = default;
};

std::vector<SeenLine> lines_of(const std::string& data, bool zero_copy, size_t chunk_bytes, size_t max_line,
                               unsigned workers, uint64_t* consumed = nullptr) {
  auto src = io::memory_source("mem", data);
  eventlog::PipelineOptions o;
  o.zero_copy = zero_copy;
  o.chunk_bytes = chunk_bytes;
  o.lines.max_line_bytes = max_line;
  o.workers = workers;
  eventlog::LinePipeline p(*src, o);
  std::vector<SeenLine> out;
  auto st = p.run([&](const eventlog::PipelineLine& l) {
    SeenLine s{l.kind, l.number, l.offset, l.complete, std::string(l.text), -1, {}, l.oversized_bytes};
    if (l.start) s.task_id = l.start->info.task_id, s.executor_id = std::string(l.start->info.executor_id);
    if (l.end) s.task_id = l.end->info.task_id, s.executor_id = std::string(l.end->info.executor_id);
    out.push_back(std::move(s));
    return true;
  });
  REQUIRE(st.ok());
  if (consumed) *consumed = p.bytes_consumed();
  return out;
}

// Real lines of a real log (Spark 3.1 app-20200706201101-0003, Apache Spark's test resources).
std::string real_log() {
  return test::read_file(
      test::data_path("eventlogs/corpus/apache__spark/core/src/test/resources/spark-events/app-20200706201101-0003"));
}

}  // namespace

TEST_CASE("zero-copy and copying pipelines see the same lines at every chunk size", "[eventlog][zerocopy]") {
  const std::string log = real_log();
  REQUIRE(log.size() > 10000);
  std::string longest_line;
  for (size_t at = 0, nl; at < log.size(); at = nl + 1) {
    nl = log.find('\n', at);
    if (nl == std::string::npos) nl = log.size();
    if (nl - at > longest_line.size()) longest_line = log.substr(at, nl - at);
  }
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"real log", log},
      {"real log, last line without newline", log.substr(0, log.size() - 1)},
      {"real log cut inside a line", log.substr(0, log.size() / 2 + 17)},
      {"one long line in the middle", log + std::string(5000, 'x') + "\n" + log},
      {"CRLF and blank lines", "\r\n\n" + log.substr(0, 3000) + "\r\n\n\n"},
      {"empty", ""},
      {"one newline", "\n"},
  };
  for (const auto& [what, data] : inputs) {
    for (size_t chunk : {size_t{64}, size_t{1000}, longest_line.size() - 1, longest_line.size() + 1, size_t{1} << 20}) {
      for (unsigned workers : {0u, 1u}) {
        INFO(what << ", chunk " << chunk << ", workers " << workers);
        uint64_t c1 = 0, c2 = 0;
        auto copied = lines_of(data, false, chunk, size_t{256} << 20, workers, &c1);
        auto mapped = lines_of(data, true, chunk, size_t{256} << 20, workers, &c2);
        CHECK(copied.size() == mapped.size());
        CHECK(copied == mapped);
        CHECK(c1 == c2);
      }
    }
  }
}

TEST_CASE("zero-copy pipeline skips an over-long line like the copying one", "[eventlog][zerocopy]") {
  const std::string log = real_log();
  const std::string data = log + std::string(300000, 'y') + "\n" + log;
  for (size_t chunk : {size_t{4096}, size_t{65536}}) {
    auto copied = lines_of(data, false, chunk, 100000, 1);
    auto mapped = lines_of(data, true, chunk, 100000, 1);
    REQUIRE(copied == mapped);
    size_t oversized = 0;
    for (const auto& l : mapped)
      if (l.kind == eventlog::PipelineLine::Kind::oversized) {
        ++oversized;
        CHECK(l.oversized_bytes == 300000);
      }
    CHECK(oversized == 1);
  }
}

TEST_CASE("a large file is mapped and read in place with the same answers", "[eventlog][zerocopy]") {
  // Over the mapping threshold: the real log repeated (its events replayed again and again).
  const std::string log = real_log();
  std::string big;
  while (big.size() < io::kMapThreshold + 4096) big += log;
  auto dir = TempDir::create("sm-zero-copy");
  REQUIRE(dir.ok());
  const std::string path = dir.value().path() + "/app-20200706201101-0003";
  {
    std::ofstream(path, std::ios::binary) << big;
  }

  // The file source hands out the whole file as one view after a peek, and releasing pages
  // keeps the bytes readable.
  auto file = io::open_file(path);
  REQUIRE(file.ok());
  io::PeekableSource peek(std::move(file.value()));
  auto head = peek.peek(100);
  REQUIRE(head.ok());
  // The peeked bytes count among those left: one byte short of the file is refused, and the
  // refusal changes nothing.
  CHECK_FALSE(peek.take_rest(0, big.size() - 1).has_value());
  auto view = peek.take_rest(0, big.size());
  REQUIRE(view.has_value());
  CHECK(view->size() == big.size());
  peek.release(view->substr(0, view->size() / 2));
  CHECK(*view == big);
  char probe[10];
  CHECK(peek.read(std::span<char>(probe, sizeof probe)).value() == 0);  // all taken

  // A size limit below the rest refuses the view (read() then reports the limit).
  auto limited = io::open_file(path);
  REQUIRE(limited.ok());
  CHECK_FALSE(limited.value()->take_rest(0, big.size() - 1).has_value());

  // Both parsers in place (simdjson reads a line with the next lines' bytes as its padding,
  // where a copied chunk has zeros) against the copying reader.
  const bool fast = GENERATE(true, false);
  INFO("fast task-line scanner: " << fast);
  ingest::LoadOptions mapped, copied;
  mapped.read.fast_task_lines = copied.read.fast_task_lines = fast;
  copied.read.zero_copy = false;
  auto a = test::load(path, mapped);
  auto b = test::load(path, copied);
  REQUIRE(a.apps.size() == 1);
  REQUIRE(b.apps.size() == 1);
  CHECK(a.apps[0].app.bytes_read == big.size());
  CHECK(a.apps[0].total_tasks_ended == b.apps[0].total_tasks_ended);
  CHECK(a.apps[0].total_tasks_ended > 0);
  CHECK(a.apps[0].app.lines == b.apps[0].app.lines);
  REQUIRE(a.apps[0].stages.size() == b.apps[0].stages.size());
  for (size_t i = 0; i < a.apps[0].stages.size(); ++i) {
    const auto& x = a.apps[0].stages[i];
    const auto& y = b.apps[0].stages[i];
    CHECK(x.completed_tasks == y.completed_tasks);
    CHECK(x.totals.executor_run_time == y.totals.executor_run_time);
    REQUIRE(x.quantiles.has_value() == y.quantiles.has_value());
    if (x.quantiles)
      for (size_t m = 0; m < x.quantiles->value.size(); ++m)
        for (size_t q = 0; q < x.quantiles->value[m].size(); ++q) {
          const double u = x.quantiles->value[m][q], v = y.quantiles->value[m][q];
          CHECK(((std::isnan(u) && std::isnan(v)) || u == v));
        }
  }
  REQUIRE(a.apps[0].executors.size() == b.apps[0].executors.size());
  for (size_t i = 0; i < a.apps[0].executors.size(); ++i) {
    CHECK(a.apps[0].executors[i].id == b.apps[0].executors[i].id);
    CHECK(a.apps[0].executors[i].completed_tasks == b.apps[0].executors[i].completed_tasks);
  }
}
