// Ranking: findings become one story, root first, by the explains-graph and the timeline, and
// "cannot tell" when the top finding is a symptom whose cause may be in data that was cut.
#include <catch2/catch.hpp>

#include "diagnose/rank.h"

using namespace sm;

namespace {

catalog::Catalog graph() {
  catalog::Catalog c;
  auto add = [&](std::string id, std::vector<std::string> explains) {
    catalog::PatternFile p;
    p.id = id;
    p.runbook = id;
    p.explains = std::move(explains);
    c.classes.push_back(std::move(p));
  };
  add("container_memory_exceeded", {"executor_lost", "shuffle_fetch_failed", "network_rpc"});
  add("executor_lost", {"shuffle_fetch_failed"});
  add("network_rpc", {"executor_lost", "shuffle_fetch_failed"});
  add("shuffle_fetch_failed", {});
  add("task_user_exception", {});
  add("storage_io", {"task_user_exception"});
  return c;
}

diagnose::Finding finding(std::string cls, double score, int64_t ts, std::vector<std::string> sources = {"eventlog"}) {
  diagnose::Finding f;
  f.failure_class = std::move(cls);
  f.runbook = f.failure_class;
  f.score = score;
  f.first_ts = ts;
  f.sources = std::move(sources);
  return f;
}

std::vector<std::string> order(const diagnose::Diagnosis& d) {
  std::vector<std::string> v;
  for (const auto& f : d.findings) v.push_back(f.failure_class);
  return v;
}

}  // namespace

TEST_CASE("rank: a fetch failure after an OOM-killed executor is a symptom; the kill is the root", "[rank]") {
  diagnose::Diagnosis d;
  // Rules found all three; the fetch failure is the loudest (most task failures).
  d.findings = {finding("shuffle_fetch_failed", 0.95, 1'000'200), finding("executor_lost", 0.8, 1'000'105),
                finding("container_memory_exceeded", 0.85, 1'000'100, {"eventlog", "driver_log", "k8s"})};
  diagnose::DataQuality dq;
  dq.has_eventlog = dq.eventlog_complete = dq.has_driver_log = dq.has_executor_logs = dq.has_k8s = dq.has_metrics = true;
  dq.app_failed = true;
  diagnose::rank(d, graph(), dq, {});
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "container_memory_exceeded");
  CHECK(d.root_cause->confidence >= 0.9);  // three independent sources
  CHECK(order(d).front() == "container_memory_exceeded");
  for (const auto& f : d.findings)
    if (f.failure_class != "container_memory_exceeded") CHECK(f.explained_by.has_value());
  CHECK(d.root_cause->runbook_url == "runbooks/container_memory_exceeded.md");
  CHECK(!d.cannot_tell);
}

TEST_CASE("rank: a cause logged long after the symptom does not explain it", "[rank]") {
  diagnose::Diagnosis d;
  d.findings = {finding("task_user_exception", 0.9, 1'000'000), finding("storage_io", 0.7, 1'000'000 + 3'600'000)};
  diagnose::DataQuality dq;
  dq.has_eventlog = dq.eventlog_complete = dq.has_driver_log = dq.has_executor_logs = true;
  diagnose::rank(d, graph(), dq, {});
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "task_user_exception");
  CHECK(!d.findings[1].explained_by);
}

TEST_CASE("rank: Job aborted wrapping a storage error names the storage error", "[rank]") {
  diagnose::Diagnosis d;
  d.findings = {finding("task_user_exception", 0.9, 1'000'050), finding("storage_io", 0.75, 1'000'000, {"executor_log", "eventlog"})};
  diagnose::DataQuality dq;
  dq.has_eventlog = dq.eventlog_complete = dq.has_driver_log = dq.has_executor_logs = true;
  diagnose::rank(d, graph(), dq, {});
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "storage_io");
  CHECK(d.findings[1].explained_by == std::optional<std::string>("storage_io"));
  CHECK(d.root_cause->explains == std::vector<std::string>{"task_user_exception"});
}

TEST_CASE("rank: a symptom on top with a log cut short by a cap is 'cannot tell', naming the missing data", "[rank]") {
  diagnose::Diagnosis d;
  d.findings = {finding("executor_lost", 0.9, 1'000'000)};
  diagnose::DataQuality dq;
  dq.has_eventlog = dq.eventlog_complete = dq.has_driver_log = true;
  dq.app_failed = true;
  dq.truncated = {"logs/executors/3/stderr"};
  diagnose::rank(d, graph(), dq, {});
  CHECK(!d.root_cause);
  CHECK(d.cannot_tell);
  REQUIRE(d.findings.size() == 1);  // the finding is still reported
  CHECK(std::find(d.missing_data.begin(), d.missing_data.end(), "the complete logs/executors/3/stderr (it was cut short)") !=
        d.missing_data.end());
  CHECK(std::find(d.missing_data.begin(), d.missing_data.end(),
                  "executor logs (worker stdout/stderr, executor pod logs with --previous, or Loki)") != d.missing_data.end());
}

TEST_CASE("rank: a root-only class stays the root even when some data was cut", "[rank]") {
  diagnose::Diagnosis d;
  d.findings = {finding("container_memory_exceeded", 0.9, 1'000'000, {"k8s", "driver_log"})};
  diagnose::DataQuality dq;
  dq.has_eventlog = true;
  dq.truncated = {"logs/driver/stderr"};
  diagnose::CorrelateOptions o;
  o.runbook_base_url = "https://runbooks.example.org/spark/";
  diagnose::rank(d, graph(), dq, o);
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "container_memory_exceeded");
  CHECK(d.root_cause->runbook_url == "https://runbooks.example.org/spark/container_memory_exceeded.md");
}

TEST_CASE("rank: no findings and a successful app is no problem; a failed app without findings is 'cannot tell'", "[rank]") {
  diagnose::DataQuality dq;
  dq.has_eventlog = dq.eventlog_complete = true;
  diagnose::Diagnosis ok;
  diagnose::rank(ok, graph(), dq, {});
  CHECK(!ok.root_cause);
  CHECK(!ok.cannot_tell);
  CHECK(ok.missing_data.empty());
  dq.app_failed = true;
  diagnose::Diagnosis failed;
  diagnose::rank(failed, graph(), dq, {});
  CHECK(failed.cannot_tell);
  CHECK(!failed.missing_data.empty());
}

TEST_CASE("rank: weak findings in a successful application are listed, not 'cannot tell'", "[rank]") {
  diagnose::Diagnosis d;
  d.findings = {finding("task_user_exception", 0.3, 1'000'000)};
  diagnose::DataQuality dq;
  dq.has_eventlog = dq.eventlog_complete = true;
  diagnose::rank(d, graph(), dq, {});
  CHECK(!d.root_cause);
  CHECK(!d.cannot_tell);
  CHECK(d.findings.size() == 1);
}
