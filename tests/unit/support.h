#pragma once
// Helpers shared by the unit tests: loading logs through the real ingest path, reading JSON
// answer keys, formatting times the way the History Server does.
#include <simdjson.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "catalog/catalog.h"
#include "ingest/eventlog_loader.h"

namespace sm::test {

// The built-in catalog (embedded patterns/ and runbooks/), loaded once per test binary.
inline const catalog::Catalog& builtin_catalog() {
  static const catalog::Catalog c = [] {
    std::vector<catalog::CatalogIssue> issues;
    auto r = catalog::load_catalog("", issues);
    REQUIRE(r.ok());
    return std::move(r.value());
  }();
  return c;
}

inline std::string data_path(const std::string& rel) { return std::string(SM_TEST_DATA) + "/" + rel; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline ingest::LoadedEventLogs load(const std::string& path, ingest::LoadOptions opts = {}) {
  auto r = ingest::load_event_logs({path}, opts);
  if (!r.ok()) {
    ingest::LoadedEventLogs empty;
    empty.issues.push_back({path, r.error().message});
    return empty;
  }
  return std::move(r.value());
}

// "2015-02-03T16:42:59.720GMT", the History Server's date format.
inline std::string hs_time(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dGMT", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

// Parses a JSON file with simdjson's DOM API (the parser must outlive the element).
inline simdjson::dom::element parse_json_file(simdjson::dom::parser& parser, const std::string& path) {
  return parser.load(path).value();
}

inline int64_t i64(simdjson::dom::element e) {
  if (e.is_int64()) return e.get_int64().value();
  if (e.is_uint64()) return static_cast<int64_t>(e.get_uint64().value());
  if (e.is_double()) return static_cast<int64_t>(e.get_double().value());
  return 0;
}

inline int64_t i64(simdjson::simdjson_result<simdjson::dom::element> r) { return i64(std::move(r).value()); }

}  // namespace sm::test
