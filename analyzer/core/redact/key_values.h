#pragma once
// The conf-secret rule's parser: given a position inside a secret-looking key word, finds the
// whole key and the value paired with it in the syntaxes Spark, Hadoop, JVMs and people write:
//   "key": "value"          JSON members (event logs, REST answers); also 'key': 'value'
//   ["key", "value"]        the History Server's /environment pairs; ('key', 'value') tuples
//   (key,value)             spark-submit --verbose
//   key=value, key: value   logs, --conf, -Dkey=value, properties files; value quoted or bare
//   spark.key   value       spark-defaults.conf (key at the start of a line)
// Internal to redact/; the public interface is redactor.h.
#include <cstddef>
#include <optional>
#include <string_view>

namespace sm::redact::detail {

struct KeyValue {
  size_t key_begin = 0, key_end = 0;      // the key token
  size_t value_begin = 0, value_end = 0;  // the value to replace (inside any quotes)
};

// Characters of a configuration key token.
bool is_key_char(char c);

// The key token around `pos` (a byte inside or just after a key word) and its value, if the
// text around it is one of the syntaxes above. The value never spans a newline.
std::optional<KeyValue> key_value_at(std::string_view text, size_t pos);

// True for values that are not secrets whatever their key says: empty, already redacted
// (starts with "***"), true/false/null/none, ${...} references.
bool ignorable_value(std::string_view value);

}  // namespace sm::redact::detail
