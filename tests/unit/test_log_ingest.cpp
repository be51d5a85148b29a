// Log ingest: Spark 4 structured (JSON) logs are scanned as the text Spark's pattern layout
// prints, and every match maps back to its JSON line, time and file. Real data:
// tests/data/logs/spark4-structured (pyspark 4.0.1, see its README).
#include <catch2/catch.hpp>

#include "analyze/analyze.h"
#include "analyze/structured_log.h"
#include "catalog/catalog.h"
#include "support.h"
#include "util/sqlite.h"
#include "util/temp_dir.h"

using namespace sm;

namespace {

std::string slurp_data(const std::string& rel) { return test::read_file(test::data_path(rel)); }

// A one-class catalog whose signature is the real exception text of the sample.
catalog::Catalog test_catalog() {
  std::vector<catalog::CatalogIssue> issues;
  auto pf = catalog::parse_pattern_file(R"(
id = "task_user_exception"
code = "SM-TEST-USER"
title = "t"
summary = "s"
severity = "error"
status = "experimental"
runbook = "task_user_exception"
[[signature]]
name = "user_raised"
streams = ["driver_log"]
expr = '''org\.apache\.spark\.SparkRuntimeException: \[USER_RAISED_EXCEPTION\]'''
source = "tests/data/logs/spark4-structured/driver-stderr.log"
[[rule]]
name = "f"
kind = "finding"
sql = '''SELECT 1.0 AS score FROM log_match WHERE class = 'task_user_exception' HAVING count(*) > 0'''
)", "task_user_exception.toml", issues);
  INFO((issues.empty() ? std::string() : issues[0].str()));
  REQUIRE(issues.empty());
  REQUIRE(pf);
  catalog::Catalog c;
  c.classes.push_back(*pf);
  return c;
}

}  // namespace

TEST_CASE("structured log: JSON lines render as pattern-layout text with the exception and its frames", "[logs]") {
  const std::string log = slurp_data("logs/spark4-structured/driver-stderr.log");
  analyze::RenderedChunk r;
  analyze::render_structured_chunk(log, r);
  CHECK(r.bad_lines == 0);
  REQUIRE(r.source_line.size() == r.source_offset.size());
  // The executor's ERROR line (source line 67) and its exception.
  const std::string head = "2026-11-24T01:47:51.193Z ERROR Executor: Exception in task 1.0 in stage 0.0 (TID 1)\n"
                           "org.apache.spark.SparkRuntimeException: [USER_RAISED_EXCEPTION] bad record SQLSTATE: P0001\n"
                           "\tat org.apache.spark.sql.errors.QueryExecutionErrors$.raiseError(QueryExecutionErrors.scala:2782)\n"
                           "\tat org.apache.spark.sql.errors.QueryExecutionErrors.raiseError(QueryExecutionErrors.scala)\n"
                           "\tat org.apache.spark.sql.catalyst.expressions.GeneratedClass$GeneratedIteratorForCodegenStage1.processNext(Unknown Source)\n";
  size_t at = r.text.find(head);
  REQUIRE(at != std::string::npos);
  size_t rendered_line = static_cast<size_t>(std::count(r.text.begin(), r.text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  CHECK(r.source_line[rendered_line] == 66);      // 0-based: line 67 of the file
  CHECK(r.source_line[rendered_line + 2] == 66);  // its frames map to the same JSON line
  // Pattern-layout lines before the switch to JSON are kept verbatim.
  CHECK(r.text.find("Using Spark's default log4j profile: org/apache/spark/log4j2-defaults.properties\n") != std::string::npos);
}

TEST_CASE("structured log: matches carry the JSON line number, its time and the file", "[logs]") {
  auto tmp = TempDir::create("sm-test-logs");
  REQUIRE(tmp.ok());
  analyze::AnalyzeOptions opts;
  opts.index_path = tmp->file("index.db");
  catalog::Catalog cat = test_catalog();
  auto r = analyze::analyze({test::data_path("logs/spark4-structured/driver-stderr.log")}, opts, cat);
  REQUIRE(r.ok());
  auto db = sql::Db::open_readonly(opts.index_path);
  REQUIRE(db.ok());
  auto st = db->prepare("SELECT m.line, m.ts, m.text, f.log_format FROM log_match m JOIN source_file f USING(file_id) "
                        "WHERE m.signature = 'user_raised' ORDER BY m.line");
  REQUIRE(st.ok());
  std::vector<std::tuple<int64_t, int64_t, std::string, std::string>> rows;
  while (*st->step()) rows.emplace_back(st->column_int(0), st->column_int(1), st->column_text(2), st->column_text(3));
  // Line 67: the executor's exception; line 70: the TaskSetManager WARN whose message embeds
  // the same exception text (one match per source line).
  REQUIRE(rows.size() >= 2);
  CHECK(std::get<0>(rows[0]) == 67);
  CHECK(std::get<1>(rows[0]) == 1795484871193);  // 2026-11-24T01:47:51.193Z
  CHECK(std::get<2>(rows[0]) == "org.apache.spark.SparkRuntimeException: [USER_RAISED_EXCEPTION] bad record SQLSTATE: P0001");
  CHECK(std::get<3>(rows[0]) == "json");
  CHECK(std::get<0>(rows[1]) == 70);
}
