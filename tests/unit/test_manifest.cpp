// Manifest v1: to_json/parse_manifest round trip, forward compatibility (unknown fields, v1.x),
// refusal of a newer major version, and one-line errors that name the field.
#include <catch2/catch.hpp>

#include <string>

#include "bundle/manifest.h"

using namespace sm::bundle;

namespace {

const std::string kSha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

Manifest sample() {
  Manifest m;
  m.collector = {"sparkmedic-collect", "0.1.0"};
  m.created_at = "2024-05-01T10:00:00Z";
  m.command_line = {"sparkmedic-collect", "--out", "b.tar.zst", "--token", "***REDACTED***"};
  m.window.start = "2024-05-01T09:00:00Z";
  m.target.application_ids = {"app-20240501090000-0001"};
  m.target.application_name = "nightly \"etl\"\n";
  m.target.namespace_name = "spark-jobs";
  m.limits.max_total_bytes = uint64_t{4} << 30;
  SourceRecord ev;
  ev.name = "eventlogs";
  ev.kind = "local-eventlog";
  ev.started_at = "2024-05-01T10:00:00Z";
  ev.duration_ms = 12;
  ev.files = 2;
  ev.bytes = 300;
  ev.cap_bytes = 1000;
  ev.truncated = true;
  SourceRecord skipped;
  skipped.name = "driver-logs";
  skipped.kind = "local-log";
  skipped.status = SourceStatus::skipped;
  skipped.reason = "no --driver-log given";
  SourceRecord failed;
  failed.name = "other-logs";
  failed.kind = "local-log";
  failed.status = SourceStatus::failed;
  failed.error = "/x: No such file or directory";
  m.sources = {ev, skipped, failed};
  FileRecord a;
  a.path = "eventlogs/app-1.zstd";
  a.source = "eventlogs";
  a.size = 100;
  a.sha256 = kSha;
  a.content_type = std::string(content_type::kEventLog);
  a.origin = "/var/log/spark/app-1.zstd";
  FileRecord b = a;
  b.path = "eventlogs/eventlog_v2_app-2/events_1_app-2";
  b.size = 200;
  b.truncated = true;
  b.original_size = 5000;
  b.content_type = std::string(content_type::kEventLogRollingPart);
  b.origin.reset();
  m.files = {a, b};
  m.redaction.rules = {{"secret-option", 1}};
  m.redaction.total = 1;
  return m;
}

// A minimal valid manifest with `files` spliced in.
std::string with_files(const std::string& files) {
  return R"({"schema":"sparkmedic.bundle/v1","collector":{"name":"c","version":"1"},)"
         R"("created_at":"2024-05-01T10:00:00Z","sources":[{"name":"s","kind":"k","status":"collected"}],"files":)" +
         files + "}";
}

std::string file_json(const std::string& path, const std::string& sha = "\"" + kSha + "\"") {
  return R"({"path":")" + path + R"(","source":"s","size":1,"sha256":)" + sha + "}";
}

std::string error_of(const std::string& json) {
  auto r = parse_manifest(json, "m.json");
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("manifest: to_json and parse_manifest round-trip every field", "[manifest]") {
  const Manifest m = sample();
  const std::string json = to_json(m);
  CHECK(json.back() == '\n');
  auto r = parse_manifest(json, "manifest.json");
  REQUIRE(r.ok());
  const Manifest& p = *r;
  CHECK(p.schema == "sparkmedic.bundle/v1");
  CHECK(p.collector.name == m.collector.name);
  CHECK(p.collector.version == m.collector.version);
  CHECK(p.created_at == m.created_at);
  CHECK(p.command_line == m.command_line);
  CHECK(p.window.start == m.window.start);
  CHECK_FALSE(p.window.end.has_value());
  CHECK(p.target.application_ids == m.target.application_ids);
  CHECK(p.target.application_name == m.target.application_name);
  CHECK(p.target.namespace_name == m.target.namespace_name);
  CHECK_FALSE(p.target.label_selector.has_value());
  CHECK(p.limits.max_total_bytes == m.limits.max_total_bytes);
  CHECK_FALSE(p.limits.max_source_bytes.has_value());
  REQUIRE(p.sources.size() == 3);
  CHECK(p.sources[0].cap_bytes == uint64_t{1000});
  CHECK(p.sources[0].truncated);
  CHECK(p.sources[0].duration_ms == 12);
  CHECK(p.sources[1].status == SourceStatus::skipped);
  CHECK(p.sources[1].reason == m.sources[1].reason);
  CHECK(p.sources[2].status == SourceStatus::failed);
  CHECK(p.sources[2].error == m.sources[2].error);
  REQUIRE(p.files.size() == 2);
  CHECK(p.files[0].origin == m.files[0].origin);
  CHECK_FALSE(p.files[0].truncated);
  CHECK_FALSE(p.files[0].original_size.has_value());
  CHECK(p.files[1].truncated);
  CHECK(p.files[1].original_size == uint64_t{5000});
  CHECK(p.files[1].content_type == "spark-eventlog-rolling-part");
  CHECK_FALSE(p.files[1].origin.has_value());
  REQUIRE(p.redaction.rules.size() == 1);
  CHECK(p.redaction.rules[0].rule == "secret-option");
  CHECK(p.redaction.total == 1);
  CHECK(to_json(p) == json);  // stable: writing what was read gives the same bytes
  CHECK(p.find_file("eventlogs/app-1.zstd") != nullptr);
  CHECK(p.find_source("nope") == nullptr);
}

TEST_CASE("manifest: the minimal form parses; unknown fields are ignored", "[manifest]") {
  auto r = parse_manifest(with_files("[]"), "m.json");
  REQUIRE(r.ok());
  CHECK(r->sources.size() == 1);
  CHECK(r->files.empty());

  const std::string later =
      R"({"schema":"sparkmedic.bundle/v1.7","collector":{"name":"c","version":"9","build":"x"},"created_at":)"
      R"("2024-05-01T12:00:00.123+02:00","future_section":{"a":[1,2,{}]},"sources":[{"name":"s","kind":"k",)"
      R"("status":"collected","new_counter":5}],"files":[{"path":"a/b","source":"s","size":1,"sha256":")" +
      kSha + R"(","compression":"zstd"}]})";
  auto f = parse_manifest(later, "m.json");
  REQUIRE(f.ok());
  CHECK(f->schema == "sparkmedic.bundle/v1.7");
  CHECK(f->files.at(0).path == "a/b");
}

TEST_CASE("manifest: a newer major version is refused clearly", "[manifest]") {
  std::string json = with_files("[]");
  json.replace(json.find("/v1"), 3, "/v2");
  auto r = parse_manifest(json, "b.tar.zst:manifest.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == sm::ErrorKind::unsupported);
  CHECK(r.error().message ==
        "b.tar.zst:manifest.json: schema: \"sparkmedic.bundle/v2\" is a newer major version than this sparkmedic reads "
        "(v1); use a newer sparkmedic-analyze");
  // Even when the rest is unreadable to v1: the schema is checked first.
  auto only = parse_manifest(R"({"schema":"sparkmedic.bundle/v3","files":42})", "m");
  REQUIRE_FALSE(only.ok());
  CHECK(only.error().kind == sm::ErrorKind::unsupported);
  CHECK(error_of(R"({"schema":"other/v1"})") == "m.json: schema: expected \"sparkmedic.bundle/v1\", got \"other/v1\"");
  CHECK(error_of(R"({"schema":"sparkmedic.bundle/v1.x"})").find("schema: expected") != std::string::npos);
  CHECK(error_of(R"({"schema":"sparkmedic.bundle/v0"})").find("schema: expected") != std::string::npos);
}

TEST_CASE("manifest: errors are one line and name the field", "[manifest]") {
  const std::string good = file_json("a");
  CHECK(error_of(with_files("[" + good + "," + file_json("b") + "," + file_json("c") + "," + file_json("d", "7") + "]")) ==
        "m.json: files[3].sha256: expected a string");
  CHECK(error_of(with_files("[" + file_json("a", "\"abc\"") + "]")) == "m.json: files[0].sha256: expected 64 lowercase hex digits");
  CHECK(error_of(with_files("[" + file_json("../x") + "]")) ==
        "m.json: files[0].path: not a normalized relative path: \"../x\"");
  CHECK(error_of(with_files("[" + file_json("/etc/x") + "]")).find("files[0].path") != std::string::npos);
  CHECK(error_of(with_files("[" + file_json("a//b") + "]")).find("files[0].path") != std::string::npos);
  CHECK(error_of(with_files("[" + good + "," + good + "]")) == "m.json: files[1].path: duplicate path \"a\"");
  CHECK(error_of(with_files(R"([{"path":"a","source":"zzz","size":1,"sha256":")" + kSha + "\"}]")) ==
        "m.json: files[0].source: \"zzz\" is not in sources[]");
  CHECK(error_of(with_files(R"([{"path":"a","source":"s","size":-1,"sha256":")" + kSha + "\"}]")) ==
        "m.json: files[0].size: expected a non-negative integer");
  CHECK(error_of(with_files(R"([{"path":"a","source":"s","sha256":")" + kSha + "\"}]")) == "m.json: files[0].size: missing");
  CHECK(error_of(with_files(R"([{"path":"a","source":"s","size":5,"original_size":4,"sha256":")" + kSha + "\"}]")) ==
        "m.json: files[0].original_size: smaller than size");
  CHECK(error_of(with_files("[7]")) == "m.json: files[0]: expected an object");
  CHECK(error_of(with_files("{}")) == "m.json: files: expected an array");
  CHECK(error_of("[]") == "m.json: expected a JSON object at the top level");
  CHECK(error_of("{\"schema\": ").find("m.json: not valid JSON") == 0);
  CHECK(error_of(R"({"schema":"sparkmedic.bundle/v1"})") == "m.json: collector: missing");
  CHECK(error_of(R"({"schema":"sparkmedic.bundle/v1","collector":{"version":"1"}})") == "m.json: collector.name: missing");
  CHECK(error_of(R"({"schema":"sparkmedic.bundle/v1","collector":{"name":"c","version":"1"},"created_at":"yesterday"})") ==
        "m.json: created_at: expected an RFC 3339 time, got \"yesterday\"");
}

TEST_CASE("manifest: source status rules", "[manifest]") {
  auto with_source = [](const std::string& src) {
    return R"({"schema":"sparkmedic.bundle/v1","collector":{"name":"c","version":"1"},)"
           R"("created_at":"2024-05-01T10:00:00Z","sources":[)" + src + R"(],"files":[]})";
  };
  CHECK(error_of(with_source(R"({"name":"s","kind":"k","status":"done"})")) ==
        "m.json: sources[0].status: expected collected, skipped or failed, got \"done\"");
  CHECK(error_of(with_source(R"({"name":"s","kind":"k","status":"skipped"})")) ==
        "m.json: sources[0].reason: required when status is skipped");
  CHECK(error_of(with_source(R"({"name":"s","kind":"k","status":"failed","error":""})")) ==
        "m.json: sources[0].error: required when status is failed");
  CHECK(error_of(with_source(R"({"name":"s","kind":"k","status":"collected","truncated":"yes"})")) ==
        "m.json: sources[0].truncated: expected true or false");
  CHECK(error_of(with_source(R"({"name":"s","kind":"k","status":"collected"},{"name":"s","kind":"k","status":"collected"})")) ==
        "m.json: sources[1].name: duplicate source \"s\"");
  CHECK(error_of(with_source(R"({"name":"s","kind":"k","status":"collected","started_at":"10:00"})")) ==
        "m.json: sources[0].started_at: expected an RFC 3339 time, got \"10:00\"");
}

TEST_CASE("manifest: hostile values stay on one line in messages", "[manifest]") {
  const std::string msg = error_of(with_files("[" + file_json("a\\n/../b") + "]"));
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(msg.find("\\x0a") != std::string::npos);
}

TEST_CASE("manifest: RFC 3339 check", "[manifest]") {
  CHECK(is_rfc3339("2024-05-01T10:00:00Z"));
  CHECK(is_rfc3339("2024-05-01t10:00:00.123456z"));
  CHECK(is_rfc3339("2024-05-01T10:00:00+05:30"));
  CHECK(is_rfc3339("2016-12-31T23:59:60Z"));  // leap second
  CHECK_FALSE(is_rfc3339("2024-05-01 10:00:00Z"));
  CHECK_FALSE(is_rfc3339("2024-05-01T10:00:00"));
  CHECK_FALSE(is_rfc3339("2024-13-01T10:00:00Z"));
  CHECK_FALSE(is_rfc3339("2024-05-01T24:00:00Z"));
  CHECK_FALSE(is_rfc3339("2024-05-01T10:00:00.Z"));
  CHECK_FALSE(is_rfc3339("2024-05-01T10:00:00+0530"));
  CHECK_FALSE(is_rfc3339(""));
}
