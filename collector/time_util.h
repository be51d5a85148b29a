#pragma once
// Times on the collector's command line and in the manifest. Everything is UTC: bundles
// travel between time zones and the analyzer compares their times with log timestamps.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sm::collect {

// Accepts RFC 3339 ("2024-05-01T10:00:00Z", "2024-05-01T12:00:00.5+02:00"),
// "YYYY-MM-DD HH:MM:SS" and "YYYY-MM-DDTHH:MM:SS" (UTC), "YYYY-MM-DD" (midnight UTC) and
// plain epoch seconds. Returns epoch seconds (fractions are dropped), nullopt if unreadable.
std::optional<int64_t> parse_time_arg(std::string_view s);

// "2024-05-01T10:00:00Z"
std::string rfc3339_utc(int64_t epoch_seconds);
// "20240501T100000Z" (the bundle directory name's stamp)
std::string compact_utc(int64_t epoch_seconds);

int64_t now_epoch_seconds();
int64_t now_epoch_ms();

}  // namespace sm::collect
