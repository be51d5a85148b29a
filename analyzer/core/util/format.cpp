#include "util/format.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace sm::fmt {

std::string duration_ms(int64_t ms) {
  if (ms < 0) return "?";
  char buf[64];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%" PRId64 "ms", ms);
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%" PRId64 "m %" PRId64 "s", ms / 60'000, (ms / 1000) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRId64 "h %" PRId64 "m", ms / 3'600'000, (ms / 60'000) % 60);
  }
  return buf;
}

std::string bytes(int64_t n) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(n);
  size_t u = 0;
  while ((v >= 1024.0 || v <= -1024.0) && u + 1 < sizeof kUnits / sizeof kUnits[0]) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%" PRId64 " B", n);
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

static bool to_tm(int64_t epoch_ms, std::tm& out) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  return gmtime_r(&secs, &out) != nullptr;
}

std::string time_utc(std::optional<int64_t> epoch_ms) {
  if (!epoch_ms || *epoch_ms <= 0) return "-";
  std::tm tm{};
  if (!to_tm(*epoch_ms, tm)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(*epoch_ms % 1000));
  return buf;
}

std::string time_rfc3339(int64_t epoch_ms) {
  std::tm tm{};
  if (!to_tm(epoch_ms, tm)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((epoch_ms % 1000) + 1000) % 1000));
  return buf;
}

std::string count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  int k = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (k && k % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++k;
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace sm::fmt
