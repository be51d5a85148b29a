#include "analyze/log_time.h"

namespace sm::analyze {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

bool valid(int y, int mo, int d, int h, int mi, int s) {
  return y >= 1970 && y < 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

// "2026-11-23[T ]22:04:05[.,]123..." at pos
std::optional<int64_t> iso_at(std::string_view l, size_t p) {
  int y, mo, d, h, mi, s, ms = 0;
  if (!digits(l, p, 4, y) || l.size() < p + 19 || l[p + 4] != '-' || !digits(l, p + 5, 2, mo) || l[p + 7] != '-' ||
      !digits(l, p + 8, 2, d) || (l[p + 10] != 'T' && l[p + 10] != ' ') || !digits(l, p + 11, 2, h) ||
      l[p + 13] != ':' || !digits(l, p + 14, 2, mi) || l[p + 16] != ':' || !digits(l, p + 17, 2, s))
    return std::nullopt;
  if (l.size() > p + 19 && (l[p + 19] == '.' || l[p + 19] == ',')) {
    int frac = 0;
    if (digits(l, p + 20, 3, frac)) ms = frac;
  }
  if (!valid(y, mo, d, h, mi, s)) return std::nullopt;
  return civil_to_epoch_ms(y, mo, d, h, mi, s, ms);
}

}  // namespace

int64_t civil_to_epoch_ms(int y, int m, int d, int hh, int mm, int ss, int ms) {
  // Days from civil (H. Hinnant's algorithm).
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
  return ((days * 24 + hh) * 60 + mm) * 60000 + static_cast<int64_t>(ss) * 1000 + ms;
}

std::optional<int64_t> parse_line_time(std::string_view l) {
  if (l.size() < 17) return std::nullopt;
  char c0 = l[0];
  if (c0 == '{') {
    // Structured JSON: "ts":"<iso>" near the start.
    size_t k = l.find("\"ts\":\"");
    if (k == std::string_view::npos || k > 64) return std::nullopt;
    return iso_at(l, k + 6);
  }
  if (c0 < '0' || c0 > '9') return std::nullopt;
  // yy/MM/dd HH:mm:ss (Spark's log4j2 default pattern)
  int y, mo, d, h, mi, s;
  if (l[2] == '/' && digits(l, 0, 2, y) && digits(l, 3, 2, mo) && l[5] == '/' && digits(l, 6, 2, d) && l[8] == ' ' &&
      digits(l, 9, 2, h) && l[11] == ':' && digits(l, 12, 2, mi) && l[14] == ':' && digits(l, 15, 2, s)) {
    y += 2000;
    if (!valid(y, mo, d, h, mi, s)) return std::nullopt;
    int ms = 0;
    if (l.size() > 18 && (l[17] == '.' || l[17] == ',')) digits(l, 18, 3, ms);
    return civil_to_epoch_ms(y, mo, d, h, mi, s, ms);
  }
  return iso_at(l, 0);
}

}  // namespace sm::analyze
