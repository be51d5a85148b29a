// Alert rules generated from the catalog, and the --from-alert parser of the collector.
// The alert payloads are real: a webhook POST and GET /api/v2/alerts of the lab's Alertmanager
// during the executor_lost drill (tests/data/alerts); the bad ones are those payloads altered.
#include <catch2/catch.hpp>

#include <string>

#include "alerts/alert_rules.h"
#include "catalog/catalog.h"
#include "from_alert.h"
#include "support.h"
#include "time_util.h"

using namespace sm;

namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("alerts: every [[alert]] of the catalog becomes one rule with the runbook of its class") {
  size_t prom = 0, loki = 0;
  for (const auto& c : test::builtin_catalog().classes)
    for (const auto& a : c.alerts) (a.source == catalog::AlertSource::loki ? loki : prom)++;
  CHECK(prom == 17);
  CHECK(loki == 6);
  alerts::GenOptions opt;
  opt.runbook_base_url = "https://runbooks.example.org/spark";
  std::string err;
  const std::string rules = alerts::prometheus_rules(test::builtin_catalog(), opt, err);
  REQUIRE(err.empty());
  CHECK(count(rules, "      - alert: ") == prom);
  CHECK(count(rules, "runbook_url: \"https://runbooks.example.org/spark/") == prom);
  CHECK(rules.find("runbook_url: \"https://runbooks.example.org/spark/executor_lost.md\"") != std::string::npos);
  CHECK(rules.find("failure_class: \"container_memory_exceeded\"") != std::string::npos);
  const std::string lk = alerts::loki_rules(test::builtin_catalog(), opt, err);
  REQUIRE(err.empty());
  CHECK(count(lk, "runbook_url: ") == loki);
  CHECK(lk.find("|~ `org\\.apache\\.spark\\.shuffle\\.FetchFailedException\\b`") != std::string::npos);
  const std::string manifest = alerts::prometheus_rule_manifest(test::builtin_catalog(), opt, err);
  CHECK(manifest.find("kind: PrometheusRule") != std::string::npos);
  CHECK(count(manifest, "runbook_url: ") == prom);
}

TEST_CASE("alerts: --max-for caps every for (lab rehearsals), shorter ones stay") {
  alerts::GenOptions opt;
  opt.max_for_ms = 4000;
  std::string err;
  const std::string rules = alerts::prometheus_rules(test::builtin_catalog(), opt, err);
  CHECK(rules.find("\n        for: 15m") == std::string::npos);
  CHECK(rules.find("keep_firing_for: 15m") != std::string::npos);  // not a for: kept
  CHECK(rules.find("\n        for: 4s") != std::string::npos);
  CHECK(rules.find("for: 0s") != std::string::npos);
}

TEST_CASE("alerts: Prometheus durations") {
  CHECK(catalog::parse_prom_duration("0s") == 0);
  CHECK(catalog::parse_prom_duration("90s") == 90000);
  CHECK(catalog::parse_prom_duration("1h30m") == 5400000);
  CHECK(catalog::parse_prom_duration("250ms") == 250);
  CHECK_FALSE(catalog::parse_prom_duration("5 m"));
  CHECK_FALSE(catalog::parse_prom_duration("30m1h"));
  CHECK_FALSE(catalog::parse_prom_duration("m"));
  CHECK(catalog::format_prom_duration(5400000) == "1h30m");
  CHECK(alerts::runbook_url("https://x/runbooks", "disk_space") == "https://x/runbooks/disk_space.md");
  CHECK(alerts::runbook_url("runbooks/", "disk_space") == "runbooks/disk_space.md");
}

TEST_CASE("alerts: a pattern file's alert is checked when it is loaded") {
  std::vector<catalog::CatalogIssue> issues;
  const std::string base = test::read_file(std::string(SM_SOURCE_DIR) + "/patterns/disk_space.toml");
  auto bad = replace(base, "for = \"5m\"", "for = \"five minutes\"");
  CHECK_FALSE(catalog::parse_pattern_file(bad, "patterns/disk_space.toml", issues));
  REQUIRE_FALSE(issues.empty());
  CHECK(issues.back().message.find("not a Prometheus duration") != std::string::npos);
  issues.clear();
  bad = replace(base, "severity = \"warning\"\nsummary = '''Filesystem", "severity = \"warning\"\nrunbook_url = \"x\"\nsummary = '''Filesystem");
  CHECK_FALSE(catalog::parse_pattern_file(bad, "patterns/disk_space.toml", issues));
  CHECK(issues.back().message.find("set by the generator") != std::string::npos);
}

TEST_CASE("from-alert: a real webhook payload names the app, and a firing alert keeps the window open") {
  const std::string text = test::read_file(test::data_path("alerts/webhook-v4-executor_lost.json"));
  const int64_t now = *collect::parse_time_arg("2026-12-05T22:40:00Z");
  auto sel = collect::select_from_alerts(text, "webhook.json", now);
  REQUIRE(sel.ok());
  CHECK(sel->alerts == 1);
  CHECK(sel->app_ids.empty());
  REQUIRE(sel->app_name);
  CHECK(*sel->app_name == "drill-executor_lost");
  CHECK(sel->alertnames == std::vector<std::string>{"SparkExecutorsExitedUnexpectedly"});
  CHECK(sel->since == *collect::parse_time_arg("2026-12-05T22:28:18Z") - 30 * 60);
  CHECK(sel->until == now);  // endsAt is Alertmanager's zero time: still firing
  CHECK(sel->alerts_json.front() == '[');
}

TEST_CASE("from-alert: API alerts that ended give a window closing 5 minutes after the last end") {
  std::string text = test::read_file(test::data_path("alerts/api-v2-alerts-executor_lost.json"));
  text = replace(text, "\"labels\":{", "\"labels\":{\"application_id\":\"app-20261205222808-0000\",");
  auto sel = collect::select_from_alerts(text, "alerts.json", *collect::parse_time_arg("2026-12-06T00:00:00Z"));
  REQUIRE(sel.ok());
  CHECK(sel->app_ids == std::vector<std::string>{"app-20261205222808-0000"});
  CHECK(sel->until == *collect::parse_time_arg("2026-12-05T22:32:18Z") + 5 * 60);
}

TEST_CASE("from-alert: malformed or hostile payloads get one clear line, nothing else") {
  const std::string real = test::read_file(test::data_path("alerts/webhook-v4-executor_lost.json"));
  struct Case {
    std::string text, needle;
  } cases[] = {
      {"not json", "not JSON"},
      {replace(real, "\"version\": \"4\"", "\"version\": \"3\""), "version \"3\" is not supported"},
      {replace(real, "\"app_name\": \"drill-executor_lost\"", "\"app_name\": 7"), "label \"app_name\" is not a string"},
      {replace(real, "\"app_name\": \"drill-executor_lost\"", "\"application_id\": \"x; rm -rf / #$(id)\""),
       "is not a Spark application id"},
      {replace(real, "\"drill\": \"executor_lost\"", "\"namespace\": \"../../etc\""), "is not a Kubernetes namespace"},
      {replace(real, "\"startsAt\": \"", "\"startedAt\": \""), "\"startsAt\" missing"},
      {"{\"version\": \"4\", \"alerts\": []}", "holds no alerts"},
      {"[1, 2]", "no \"labels\" object"},
      {"{\"hello\": 1}", "neither an Alertmanager webhook payload"},
  };
  for (const auto& c : cases) {
    auto sel = collect::select_from_alerts(c.text, "payload.json", 1'800'000'000);
    REQUIRE_FALSE(sel.ok());
    INFO(sel.error().message);
    CHECK(sel.error().message.find(c.needle) != std::string::npos);
    CHECK(sel.error().message.rfind("payload.json", 0) == 0);
    CHECK(sel.error().message.find('\n') == std::string::npos);
  }
}
