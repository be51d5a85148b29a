#pragma once
// Timestamps at the start of log lines, in the formats Spark logs are written in:
//   log4j2 pattern layout (Spark's default):  26/11/23 22:04:05 WARN ...      (yy/MM/dd HH:mm:ss)
//   log4j/ISO-like:                           2026-11-23 22:04:05,123 / 2026-11-23T22:04:05.123Z
//   Spark 4 structured logging (JSON lines):  {"ts":"2026-11-23T22:04:05.123Z",...}
//   kubectl logs --timestamps:                2026-11-23T22:04:05.123456789Z <line>
// Times without a zone are taken as UTC (logs rarely say; the report notes it).
#include <cstdint>
#include <optional>
#include <string_view>

namespace sm::analyze {

// Epoch milliseconds of the line's leading timestamp, or nullopt.
std::optional<int64_t> parse_line_time(std::string_view line);

// Civil date/time to epoch milliseconds (UTC).
int64_t civil_to_epoch_ms(int year, int month, int day, int hour, int minute, int second, int millis);

}  // namespace sm::analyze
