#pragma once
// A small streaming JSON writer: escapes strings correctly (including control characters and
// invalid UTF-8, which is replaced by U+FFFD so output is always valid JSON), tracks commas.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sm {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& null();
  // Writes already-serialized JSON as a value (caller guarantees validity).
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  template <typename T>
  JsonWriter& field(std::string_view k, const std::optional<T>& v) {
    key(k);
    if (v) return value(*v);
    return null();
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  // Appends s as a quoted JSON string to out.
  static void escape_into(std::string& out, std::string_view s);

 private:
  void before_value();
  void newline();

  std::string out_;
  struct Level {
    bool is_object;
    bool first;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
  bool pretty_;
};

}  // namespace sm
