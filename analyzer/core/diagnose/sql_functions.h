#pragma once
// SQL helper functions available to pattern rules (docs/patterns.md):
//   size_bytes('4g')            Spark size string (b, k, m, g, t, p; kb/mb/...; default bytes) -> bytes
//   size_mib('4g')              -> MiB (Spark's unit for memoryOverhead without a suffix)
//   conf(app_key, 'spark.x')    a Spark property of the application, or NULL
//   fmt_bytes(n)                1536 -> '1.5 KiB'
//   fmt_ms(n)                   75000 -> '1m 15s'
//   spark_mib(n)                bytes -> a Spark size string in MiB rounded up ('3072m')
#include <optional>
#include <string_view>

#include "util/result.h"
#include "util/sqlite.h"

namespace sm::diagnose {

Status register_sql_functions(sql::Db& db);

// Spark's size-string parsing (JavaUtils.byteStringAs): "4g" -> 4 GiB; bare numbers are
// taken in `default_unit_bytes`.
std::optional<int64_t> parse_spark_size(std::string_view s, int64_t default_unit_bytes = 1);

}  // namespace sm::diagnose
