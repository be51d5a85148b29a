// The analyzer on real event logs (tests/data/eventlogs/generated: real pyspark 4.0.1 and
// 3.5.9 runs, see its README; samples/: a real Spark 3.1.1 YARN application): the right root
// cause, symptoms under it, and the computed fix.
#include <catch2/catch.hpp>

#include "analyze/analyze.h"
#include "catalog/catalog.h"
#include "support.h"

using namespace sm;

namespace {

diagnose::Diagnosis diagnose_one(const std::string& path) {
  analyze::AnalyzeOptions opts;
  auto r = analyze::analyze({path}, opts, test::builtin_catalog());
  REQUIRE(r.ok());
  INFO(path);
  REQUIRE(r->diagnoses.size() == 1);
  CHECK(r->rule_errors.empty());
  return r->diagnoses[0];
}

const diagnose::Finding* find(const diagnose::Diagnosis& d, const std::string& cls) {
  for (const auto& f : d.findings)
    if (f.failure_class == cls) return &f;
  return nullptr;
}

const diagnose::Recommendation* rec(const diagnose::Finding& f, const std::string& key) {
  for (const auto& r : f.recommendations)
    if (r.config_key == key) return &r;
  return nullptr;
}

std::string gen(const std::string& rel) { return test::data_path("eventlogs/generated/" + rel); }

}  // namespace

TEST_CASE("diagnosis: a killed executor is the root; the fetch failures it caused are its symptom", "[diagnosis]") {
  auto d = diagnose_one(gen("spark-4.0.1/fail-fetch"));
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "executor_lost");
  CHECK(d.root_cause->code == "SM-EXEC-LOST");
  CHECK(d.root_cause->facts.at("exit_codes") == "137");
  CHECK(d.root_cause->facts.at("executor_ids") == "0");
  const auto* ff = find(d, "shuffle_fetch_failed");
  REQUIRE(ff);
  CHECK(ff->explained_by == std::optional<std::string>("executor_lost"));
  CHECK(ff->facts.at("fetch_failures") == "2");
  CHECK(ff->facts.at("map_output_executors") == "0");
  CHECK(ff->facts.at("stage_reattempts") == "2");
  const auto* ess = rec(*d.root_cause, "spark.shuffle.service.enabled");
  REQUIRE(ess);
  CHECK(ess->value == "true");
  CHECK(d.findings.front().failure_class == "executor_lost");
}

TEST_CASE("diagnosis: a UDF failing until retries run out is task_user_exception", "[diagnosis]") {
  for (const char* fx : {"spark-4.0.1/fail-task-retries", "spark-3.5.9/fail-task-retries"}) {
    auto d = diagnose_one(gen(fx));
    INFO(fx);
    REQUIRE(d.root_cause);
    CHECK(d.root_cause->failure_class == "task_user_exception");
    CHECK(d.root_cause->facts.at("exception_class") == "org.apache.spark.api.python.PythonException");
    CHECK(d.root_cause->facts.at("attempts_per_task") == "4");
    CHECK(d.root_cause->facts.at("jobs_aborted") == "1");
  }
}

TEST_CASE("diagnosis: ANSI SQL errors fail the job; the fix names spark.sql.ansi.enabled", "[diagnosis]") {
  auto d = diagnose_one(gen("spark-4.0.1/fail-sql"));
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "task_user_exception");
  CHECK(d.root_cause->facts.at("exception_class") == "org.apache.spark.SparkArithmeticException");
  const auto* ansi = rec(*d.root_cause, "spark.sql.ansi.enabled");
  REQUIRE(ansi);
  CHECK(ansi->value == "false");
  CHECK(ansi->why == "the task failed with org.apache.spark.SparkArithmeticException (ANSI SQL error DIVIDE_BY_ZERO)");
}

TEST_CASE("diagnosis: healthy applications have no finding", "[diagnosis]") {
  for (const char* fx : {"spark-4.0.1/codec-zstd", "spark-4.0.1/codec-lz4", "spark-4.0.1/rolling-zstd", "spark-3.5.9/codec-snappy"}) {
    auto d = diagnose_one(gen(fx));
    INFO(fx);
    CHECK(d.findings.empty());
    CHECK(!d.root_cause);
    CHECK(!d.cannot_tell);
  }
}

TEST_CASE("diagnosis: the YARN sample (lost executors, fetch failures) names executor_lost over the fetch failures", "[diagnosis]") {
  auto d = diagnose_one(test::data_path("../../samples/eventlogs/tasks_executors_fail_compressed_eventlog.zstd"));
  const auto* lost = find(d, "executor_lost");
  REQUIRE(lost);
  CHECK(lost->facts.at("executors_lost") == "2");
  CHECK(lost->facts.at("first_reason") == "Executor Process Lost");
  const auto* ff = find(d, "shuffle_fetch_failed");
  REQUIRE(ff);
  CHECK(ff->explained_by == std::optional<std::string>("executor_lost"));
}
