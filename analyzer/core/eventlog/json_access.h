#pragma once
// Small helpers over simdjson On-Demand used by the event parser. Private to eventlog/*.cpp
// (simdjson.h stays out of public headers). All functions report failure by return value;
// nothing throws.
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace sm::eventlog::json {

namespace od = simdjson::ondemand;

// The key of a field without unescaping. Spark's keys never contain escapes; a key that does
// is returned raw and simply will not match a known name.
inline std::string_view raw_key(od::field& f) {
  const char* begin = f.key().raw();
  const char* p = begin;
  while (*p != '"') p += (*p == '\\') ? 2 : 1;
  return {begin, static_cast<size_t>(p - begin)};
}

// Key comparison against a literal with a compile-time length, so the compiler inlines the
// comparison instead of calling memcmp (keys are compared millions of times per log).
template <size_t N>
inline bool key_eq(std::string_view k, const char (&lit)[N]) {
  return k.size() == N - 1 && std::memcmp(k.data(), lit, N - 1) == 0;
}

// Equality for short runtime strings without a libc call.
inline bool short_eq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t n = a.size(), i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  for (; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Reads a number as int64. Accepts integers, doubles (truncated), big unsigned (clamped),
// numeric strings (some writers quote numbers) and null (0). Returns false on other types.
inline bool get_i64(od::value v, int64_t& out) {
  // Fast path: a plain integer (nearly every number in an event log). A failed attempt does
  // not consume the value, so the general path below can still read it.
  if (!v.get_int64().get(out)) return true;
  od::json_type t;
  if (v.type().get(t)) return false;
  switch (t) {
    case od::json_type::number: {
      od::number n;
      if (v.get_number().get(n)) return false;
      if (n.is_int64()) out = n.get_int64();
      else if (n.is_uint64()) out = n.get_uint64() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(n.get_uint64());
      else {
        double d = n.get_double();
        out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : static_cast<int64_t>(d);
      }
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      int64_t x = 0;
      bool neg = !s.empty() && s[0] == '-';
      size_t i = neg ? 1 : 0;
      if (i == s.size()) return false;
      for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        if (x > (INT64_MAX - 9) / 10) return false;
        x = x * 10 + (s[i] - '0');
      }
      out = neg ? -x : x;
      return true;
    }
    case od::json_type::null:
      out = 0;
      return true;
    default:
      return false;
  }
}

inline bool get_i32(od::value v, int32_t& out) {
  int64_t x = 0;
  if (!get_i64(v, x)) return false;
  out = x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : static_cast<int32_t>(x);
  return true;
}

inline bool get_opt_i64(od::value v, std::optional<int64_t>& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  if (t == od::json_type::null) {
    out.reset();
    return true;
  }
  int64_t x = 0;
  if (!get_i64(v, x)) return false;
  out = x;
  return true;
}

inline bool get_bool(od::value v, bool& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  if (t == od::json_type::null) {
    out = false;
    return true;
  }
  return !v.get_bool().get(out);
}

// Strings: unescaped into the parser's buffer (valid until the next document). null -> "".
inline bool get_str(od::value v, std::string_view& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  if (t == od::json_type::null) {
    out = {};
    return true;
  }
  return !v.get_string().get(out);
}

}  // namespace sm::eventlog::json
