#pragma once
// Human formatting for reports: durations, byte sizes, UTC timestamps.
#include <cstdint>
#include <optional>
#include <string>

namespace sm::fmt {

// 1234 -> "1.2s", 75000 -> "1m 15s", 5400000 -> "1h 30m"; negative -> "?"
std::string duration_ms(int64_t ms);
// 1536 -> "1.5 KiB"
std::string bytes(int64_t n);
// epoch ms -> "2016-11-15 23:20:37.079 UTC"; nullopt -> "-"
std::string time_utc(std::optional<int64_t> epoch_ms);
// epoch ms -> "2016-11-15T23:20:37.079Z" (RFC 3339)
std::string time_rfc3339(int64_t epoch_ms);
// Thousands separators: 1234567 -> "1,234,567"
std::string count(int64_t n);

}  // namespace sm::fmt
