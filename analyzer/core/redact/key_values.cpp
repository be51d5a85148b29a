#include "redact/key_values.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "redact/redactor.h"

namespace sm::redact {
namespace {

char lower_char(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

// Words that make a key secret ("spark.ssl.keyStorePassword", "fs.azure.account.oauth2.client.
// secret.<account>...") unless the key's last word says it describes one (see kDescriptive).
constexpr std::array<std::string_view, 7> kSecretSubstrings = {"password", "passwd",     "passphrase", "secret",
                                                               "token",    "credential", "signature"};
// Whole key words that are secret on their own ("db.pwd", "sig=...").
constexpr std::array<std::string_view, 4> kSecretWords = {"pwd", "pass", "sig", "sas"};
// Last key words that describe a secret rather than hold one: Hadoop's
// "hadoop.security.credential.provider.path", "fs.azure.sas.expiry.period",
// "hadoop.caller.context.signature.max.size", "spark.authenticate.secret.file".
constexpr std::array<std::string_view, 36> kDescriptive = {
    "provider", "providers", "path",   "file",    "class",   "classes",  "enabled",   "enable", "size",
    "period",   "interval",  "expiry", "length",  "bits",    "cipher",   "algorithm", "type",   "mode",
    "timeout",  "ms",        "count",  "threads", "max",     "min",      "impl",      "dir",    "directory",
    "location", "name",      "version", "prefix", "format",  "policy",   "ttl",       "kind",   "service"};
// "<word>key" / "<word>.key" that name data, not secrets ("sortKey", "public.key").
constexpr std::array<std::string_view, 20> kPlainKeyQualifiers = {
    "sort",  "partition", "primary", "row",  "grouping", "group", "join",   "hash",  "bucket", "dist",
    "shard", "cluster",   "routing", "order", "foreign", "unique", "index", "cache", "public", "lookup"};

template <size_t N>
bool contains_any(std::string_view s, const std::array<std::string_view, N>& words) {
  for (auto w : words)
    if (s.find(w) != std::string_view::npos) return true;
  return false;
}

template <size_t N>
bool equals_any(std::string_view s, const std::array<std::string_view, N>& words) {
  for (auto w : words)
    if (s == w) return true;
  return false;
}

std::vector<std::string_view> key_words(std::string_view l) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= l.size()) {
    size_t end = l.find_first_of("._-", start);
    if (end == std::string_view::npos) end = l.size();
    if (end > start) words.push_back(l.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace

bool secret_key(std::string_view key) {
  const std::string l = lower(key);
  const auto words = key_words(l);
  if (words.empty()) return false;
  const std::string_view last = words.back();
  // Azure storage account keys: fs.azure.account.key.<account>.blob.core.windows.net
  for (size_t i = 0; i + 2 < words.size(); ++i)
    if (words[i] == "account" && words[i + 1] == "key") return true;
  // A key ending in "key": access.key, accessKey, API_KEY, secret.key; not keyStore, not a bare
  // "key" ("key": "part-0001" is too generic), not sortKey / public.key.
  if (last.size() >= 3 && last.substr(last.size() - 3) == "key") {
    const std::string_view qualifier =
        last.size() > 3 ? last.substr(0, last.size() - 3) : (words.size() > 1 ? words[words.size() - 2] : std::string_view());
    if (!qualifier.empty() && !equals_any(qualifier, kPlainKeyQualifiers)) return true;
  }
  if (equals_any(last, kDescriptive)) return false;
  for (auto w : words)
    if (equals_any(w, kSecretWords) || contains_any(w, kSecretSubstrings)) return true;
  return false;
}

namespace detail {

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
}

bool ignorable_value(std::string_view v) {
  if (v.empty() || v.substr(0, 3) == "***" || v.substr(0, 2) == "${") return true;
  const std::string l = lower(v);
  return l == "true" || l == "false" || l == "null" || l == "none";
}

namespace {

size_t skip_blanks(std::string_view t, size_t i) {
  while (i < t.size() && blank(t[i])) ++i;
  return i;
}

// The body of a quoted string starting at t[open] (a quote), up to the matching unescaped
// quote on the same line.
std::optional<std::pair<size_t, size_t>> quoted_body(std::string_view t, size_t open) {
  const char q = t[open];
  for (size_t i = open + 1; i < t.size(); ++i) {
    if (t[i] == '\n') return std::nullopt;
    if (t[i] == '\\') {
      ++i;
      continue;
    }
    if (t[i] == q) return std::make_pair(open + 1, i);
  }
  return std::nullopt;
}

bool bare_value_char(char c) {
  if (std::isspace(static_cast<unsigned char>(c)) != 0) return false;
  switch (c) {
    // Stop at a backslash so a value inside a JSON string never eats an escape ("\"").
    case '"': case '\'': case ',': case ';': case '&': case ')': case '}': case ']': case '>': case '<': case '\\':
      return false;
    default:
      return true;
  }
}

std::optional<std::pair<size_t, size_t>> value_at(std::string_view t, size_t i) {
  if (i >= t.size()) return std::nullopt;
  if (t[i] == '"' || t[i] == '\'') return quoted_body(t, i);
  size_t e = i;
  while (e < t.size() && bare_value_char(t[e])) ++e;
  if (e == i) return std::nullopt;
  return std::make_pair(i, e);
}

bool at_line_start(std::string_view t, size_t i) {
  while (i > 0 && blank(t[i - 1])) --i;
  return i == 0 || t[i - 1] == '\n';
}

std::optional<std::pair<size_t, size_t>> pair_value(std::string_view t, size_t ks, size_t ke) {
  const size_t n = t.size();
  // "key": "value" / 'key': 'value' / ["key", "value"] / ('key', 'value')
  if (ks > 0 && ke < n && (t[ks - 1] == '"' || t[ks - 1] == '\'') && t[ke] == t[ks - 1]) {
    size_t j = skip_blanks(t, ke + 1);
    if (j < n && t[j] == ':') {
      j = skip_blanks(t, j + 1);
      if (j < n && (t[j] == '"' || t[j] == '\'')) return quoted_body(t, j);
      return std::nullopt;
    }
    if (j < n && t[j] == ',') {
      size_t b = ks - 1;
      while (b > 0 && blank(t[b - 1])) --b;
      if (b == 0 || (t[b - 1] != '[' && t[b - 1] != '(')) return std::nullopt;
      j = skip_blanks(t, j + 1);
      if (j < n && (t[j] == '"' || t[j] == '\'')) return quoted_body(t, j);
    }
    return std::nullopt;
  }
  // (key,value): spark-submit --verbose prints its properties this way.
  if (ks > 0 && ke < n && t[ks - 1] == '(' && t[ke] == ',') {
    const size_t close = t.find_first_of(")\n", ke + 1);
    if (close == std::string_view::npos || t[close] != ')' || close == ke + 1) return std::nullopt;
    return std::make_pair(ke + 1, close);
  }
  // key=value, key: value (not "scheme://")
  size_t j = skip_blanks(t, ke);
  // "key: value" needs a blank after the colon: "passwd:/etc/passwd:ro" (a mount list) and
  // "scheme://" are not pairs.
  if (j < n && (t[j] == '=' || (t[j] == ':' && j + 1 < n && blank(t[j + 1])))) {
    if (ks > 0 && (t[ks - 1] == '/' || t[ks - 1] == '\\')) return std::nullopt;  // a path component
    return value_at(t, skip_blanks(t, j + 1));
  }
  // spark-defaults.conf: "spark.key   value" at the start of a line
  if (j > ke && j < n && t[j] != '\n' && at_line_start(t, ks) && t.substr(ks, 6) == "spark.") return value_at(t, j);
  return std::nullopt;
}

}  // namespace

std::optional<KeyValue> key_value_at(std::string_view t, size_t pos) {
  if (pos > t.size()) return std::nullopt;
  size_t ks = pos, ke = pos;
  while (ks > 0 && is_key_char(t[ks - 1])) --ks;
  while (ke < t.size() && is_key_char(t[ke])) ++ke;
  if (ks == ke || !secret_key(t.substr(ks, ke - ks))) return std::nullopt;
  auto v = pair_value(t, ks, ke);
  if (!v) return std::nullopt;
  KeyValue kv;
  kv.key_begin = ks;
  kv.key_end = ke;
  kv.value_begin = v->first;
  kv.value_end = v->second;
  return kv;
}

}  // namespace detail
}  // namespace sm::redact
