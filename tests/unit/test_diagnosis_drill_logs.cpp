// Driver logs of real drill runs (tests/data/logs/drills, see its README), given to the analyzer
// alone as a support engineer would paste them: the induced class is the root cause, with the
// numbers from the log in its facts and fix.
#include <catch2/catch.hpp>

#include "analyze/analyze.h"
#include "catalog/catalog.h"
#include "support.h"

using namespace sm;

namespace {

diagnose::Diagnosis diagnose_log(const std::string& drill) {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog("", issues);
  REQUIRE(cat.ok());
  analyze::AnalyzeOptions opts;
  auto r = analyze::analyze({test::data_path("logs/drills/" + drill + "/driver.log")}, opts, *cat);
  REQUIRE(r.ok());
  CHECK(r->rule_errors.empty());
  REQUIRE(r->diagnoses.size() == 1);
  return r->diagnoses[0];
}

const diagnose::Recommendation* rec(const diagnose::Finding& f, const std::string& key) {
  for (const auto& r : f.recommendations)
    if (r.config_key == key) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("drill logs: results over spark.driver.maxResultSize, with the observed size", "[diagnosis][drills]") {
  auto d = diagnose_log("driver_max_result_size");
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "driver_max_result_size");
  CHECK(d.root_cause->facts.at("result_size") == "6.5 MiB");
  CHECK(d.root_cause->facts.at("limit_size") == "2.0 MiB");
  const auto* r = rec(*d.root_cause, "spark.driver.maxResultSize");
  REQUIRE(r);
  CHECK(r->value == "1024m");  // at least the 1g default; twice 6.5 MiB is below it
  CHECK(!d.root_cause->evidence.empty());
  CHECK(d.root_cause->evidence[0].location.find("driver.log:") != std::string::npos);
}

TEST_CASE("drill logs: a job nobody accepts is job_stuck_no_resources", "[diagnosis][drills]") {
  auto d = diagnose_log("job_stuck_no_resources");
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "job_stuck_no_resources");
  CHECK(std::stoi(d.root_cause->facts.at("warnings")) >= 1);
}

TEST_CASE("drill logs: the driver's own OutOfMemoryError is driver_heap_oom", "[diagnosis][drills]") {
  auto d = diagnose_log("driver_heap_oom");
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "driver_heap_oom");
  CHECK(rec(*d.root_cause, "spark.driver.memory") != nullptr);
}

TEST_CASE("drill logs: No space left on device is disk_space", "[diagnosis][drills]") {
  auto d = diagnose_log("disk_space");
  REQUIRE(d.root_cause);
  CHECK(d.root_cause->failure_class == "disk_space");
  CHECK(rec(*d.root_cause, "spark.local.dir") != nullptr);
}

TEST_CASE("drill logs: one real driver log per class names its class, with values from the log", "[diagnosis][drills]") {
  struct Case {
    const char* drill;
    const char* cls;
    const char* key;    // a recommendation's config key ("" = none checked)
    const char* value;  // its computed value ("" = not checked)
  };
  const Case cases[] = {
      {"broadcast_failure", "broadcast_failure", "spark.sql.broadcastTimeout", "600"},
      {"config_error", "config_error", "spark.executor.memory", "900m"},
      {"spark_connect_message_too_big", "spark_connect", "spark.connect.grpc.maxInboundMessageSize", "8097618"},
      {"spark_connect_session_restart", "spark_connect", "", ""},
      {"serialization", "serialization", "", ""},
      {"storage_io_missing_path", "storage_io", "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.drill);
    auto d = diagnose_log(c.drill);
    REQUIRE(d.root_cause);
    CHECK(d.root_cause->failure_class == c.cls);
    if (*c.key) {
      const auto* r = rec(*d.root_cause, c.key);
      REQUIRE(r);
      if (*c.value) CHECK(r->value == c.value);
    }
  }
}
