// The HTML report is one self-contained file: inline style and SVG, no scripts, no external
// assets, evidence escaped, secrets redacted, runbook links only to http(s) or relative paths.
#include <catch2/catch.hpp>

#include "analyze/analyze.h"
#include "catalog/catalog.h"
#include "report/report.h"
#include "support.h"

using namespace sm;

namespace {

diagnose::Diagnosis hostile() {
  diagnose::Diagnosis d;
  d.app_id = "app-<b>1</b>";
  d.outcome = "failed";
  diagnose::Finding f;
  f.failure_class = "executor_heap_oom";
  f.code = "SM-EXEC-HEAP-OOM";
  f.severity = "critical";
  f.confidence = 0.9;
  f.summary = "summary with <script>alert(1)</script>";
  f.runbook = "executor_heap_oom";
  f.runbook_url = "javascript:alert(1)";
  // A planted secret the way it appears in a Spark environment dump.
  f.evidence.push_back({"driver_log", "logs/driver/stderr:12", std::nullopt,
                        "spark.hadoop.fs.s3a.secret.key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY <img src=x>"});
  d.findings.push_back(f);
  d.root_cause = f;
  return d;
}

}  // namespace

TEST_CASE("html report: escaped, redacted, no scripts or external assets, unsafe links dropped", "[report]") {
  std::vector<diagnose::Diagnosis> ds = {hostile()};
  report::ReportInput in;
  in.diagnoses = &ds;
  in.inputs = {"bundle.tar.zst"};
  const std::string html = report::render_html(in);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("javascript:") == std::string::npos);
  CHECK(html.find("wJalrXUtnFEMI") == std::string::npos);
  CHECK(html.find("&lt;img src=x&gt;") != std::string::npos);  // shown, escaped, never loaded
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  CHECK(html.find("<style>") != std::string::npos);
}

TEST_CASE("html report: a real failed application has its timeline, memory chart and failed tasks", "[report]") {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog("", issues);
  REQUIRE(cat.ok());
  analyze::AnalyzeOptions opts;
  auto r = analyze::analyze({test::data_path("eventlogs/generated/spark-4.0.1/fail-fetch")}, opts, *cat);
  REQUIRE(r.ok());
  report::ReportInput in;
  in.diagnoses = &r->diagnoses;
  in.apps = &r->apps;
  in.issues = &r->issues;
  in.rule_errors = &r->rule_errors;
  const std::string html = report::render_html(in);
  CHECK(html.find("app-20261123233451-0000") != std::string::npos);
  CHECK(html.find("aria-label=\"timeline\"") != std::string::npos);
  CHECK(html.find("aria-label=\"executor memory\"") != std::string::npos);
  CHECK(html.find("<h3>Failed task attempts</h3>") != std::string::npos);
  CHECK(html.find("FetchFailed") != std::string::npos);
  CHECK(html.find("ExecutorLostFailure") != std::string::npos);
  // Spark's default heap (no spark.executor.memory in this app) is the dashed line.
  CHECK(html.find("heap 1.0 GiB") != std::string::npos);
}
