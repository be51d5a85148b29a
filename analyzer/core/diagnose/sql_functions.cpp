#include "diagnose/sql_functions.h"

#include <sqlite3.h>

#include <cctype>
#include <cmath>
#include <string>

#include "util/format.h"

namespace sm::diagnose {

std::optional<int64_t> parse_spark_size(std::string_view s, int64_t default_unit_bytes) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  size_t i = 0;
  double v = 0;
  bool any = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    v = v * 10 + (s[i] - '0');
    ++i;
    any = true;
  }
  if (i < s.size() && s[i] == '.') {
    double scale = 0.1;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10) {
      v += (s[i] - '0') * scale;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  std::string unit;
  for (; i < s.size(); ++i) unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
  int64_t mult = default_unit_bytes;
  if (unit.empty()) mult = default_unit_bytes;
  else if (unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = int64_t{1} << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = int64_t{1} << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = int64_t{1} << 30;
  else if (unit == "t" || unit == "tb" || unit == "tib") mult = int64_t{1} << 40;
  else if (unit == "p" || unit == "pb" || unit == "pib") mult = int64_t{1} << 50;
  else return std::nullopt;
  return static_cast<int64_t>(v * static_cast<double>(mult));
}

namespace {

std::string_view text_arg(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  int n = sqlite3_value_bytes(v);
  return t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(n)) : std::string_view();
}

void fn_size_bytes(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto b = parse_spark_size(text_arg(argv[0]));
  if (!b) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, *b);
}

void fn_size_mib(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  // Spark's memoryOverhead without a unit is MiB.
  auto b = parse_spark_size(text_arg(argv[0]), int64_t{1} << 20);
  if (!b) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, *b >> 20);
}

void fn_fmt_bytes(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string s = fmt::bytes(sqlite3_value_int64(argv[0]));
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void fn_fmt_ms(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string s = fmt::duration_ms(sqlite3_value_int64(argv[0]));
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void fn_spark_mib(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  double bytes = sqlite3_value_double(argv[0]);
  auto mib = static_cast<int64_t>(std::ceil(bytes / static_cast<double>(int64_t{1} << 20)));
  std::string s = std::to_string(mib) + "m";
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void fn_conf(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT value FROM spark_property WHERE app_key = ?1 AND key = ?2", -1, &st, nullptr) !=
      SQLITE_OK)
    return sqlite3_result_null(ctx);
  sqlite3_bind_value(st, 1, argv[0]);
  sqlite3_bind_value(st, 2, argv[1]);
  if (sqlite3_step(st) == SQLITE_ROW) sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
  else sqlite3_result_null(ctx);
  sqlite3_finalize(st);
}

}  // namespace

Status register_sql_functions(sql::Db& db) {
  sqlite3* h = db.raw();
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  struct Fn {
    const char* name;
    int nargs;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
    int flags;
  };
  const Fn fns[] = {{"size_bytes", 1, fn_size_bytes, kFlags}, {"size_mib", 1, fn_size_mib, kFlags},
                    {"fmt_bytes", 1, fn_fmt_bytes, kFlags},   {"fmt_ms", 1, fn_fmt_ms, kFlags},
                    {"spark_mib", 1, fn_spark_mib, kFlags},   {"conf", 2, fn_conf, SQLITE_UTF8}};
  for (const auto& f : fns)
    if (sqlite3_create_function_v2(h, f.name, f.nargs, f.flags, nullptr, f.fn, nullptr, nullptr, nullptr) != SQLITE_OK)
      return Error::internal(std::string("sqlite: cannot register ") + f.name);
  return ok_status();
}

}  // namespace sm::diagnose
