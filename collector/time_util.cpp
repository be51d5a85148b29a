#include "time_util.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace sm::collect {
namespace {

// Reads exactly n digits at s[pos]; -1 if they are not all digits.
int64_t num(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<int64_t> epoch_of(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t sec) {
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = static_cast<int>(y - 1900);
  tm.tm_mon = static_cast<int>(mo - 1);
  tm.tm_mday = static_cast<int>(d);
  tm.tm_hour = static_cast<int>(h);
  tm.tm_min = static_cast<int>(mi);
  tm.tm_sec = static_cast<int>(sec);
  return static_cast<int64_t>(::timegm(&tm));
}

std::tm utc_tm(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::optional<int64_t> parse_time_arg(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : s) all_digits = all_digits && c >= '0' && c <= '9';
  constexpr size_t kMaxEpochDigits = 12;
  if (all_digits && s.size() <= kMaxEpochDigits) return num(s, 0, s.size());

  const int64_t y = num(s, 0, 4), mo = num(s, 5, 2), d = num(s, 8, 2);
  if (y < 0 || mo < 0 || d < 0 || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (s.size() == 10) return epoch_of(y, mo, d, 0, 0, 0);
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  const int64_t h = num(s, 11, 2), mi = num(s, 14, 2), sec = num(s, 17, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.size() < 19 || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto base = epoch_of(y, mo, d, h, mi, sec);
  if (!base) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos == s.size()) return base;  // no offset: UTC
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return base;
  if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    const int64_t oh = num(s, pos + 1, 2), om = num(s, pos + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    const int64_t offset = (oh * 60 + om) * 60;
    return s[pos] == '+' ? *base - offset : *base + offset;
  }
  return std::nullopt;
}

std::string rfc3339_utc(int64_t epoch_seconds) {
  const std::tm tm = utc_tm(epoch_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string compact_utc(int64_t epoch_seconds) {
  const std::tm tm = utc_tm(epoch_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

int64_t now_epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sm::collect
