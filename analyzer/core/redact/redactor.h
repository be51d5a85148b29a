#pragma once
// The secret-redaction rule engine, shared by the collector (collection time: every byte it
// writes into a bundle) and the analyzer (report time: every string a report prints).
//
// Rules (their names are what manifests count; docs/collector.md lists them with examples):
//   conf-secret          the value of a key=value / "key": "value" / ["key", "value"] /
//                        (key,value) / `spark.x   value` pair whose key looks secret: a key
//                        word containing password, passwd, passphrase, secret, token,
//                        credential or signature, a word that is pwd, pass, sig or sas, or a
//                        word ending in "key" (access.key, accessKey, API_KEY; not keyStore)
//   aws-secret-key       the same pairs when the key names an AWS secret access key and the
//                        value has the 40-character AWS shape (counted apart from conf-secret)
//   authorization-header the credentials of an Authorization / Proxy-Authorization header
//   bearer-token         "Bearer <token>" anywhere
//   url-credentials      the password of scheme://user:password@host
//   aws-access-key-id    AKIA... / ASIA... access key ids
//   custom:<where>       a user rule (--redact-rules FILE, one regex per line)
//   known-value          a value some rule redacted elsewhere, found again anywhere
// A value is replaced by kMarker; keys, quotes and the rest of the line stay. Values that are
// already redacted (kMarker, Spark's "*********(redacted)"), booleans, null and ${...}
// references are left alone, so running a redactor over its own output changes nothing and
// finds nothing: that is what the collector's re-scan relies on.
//
// Speed: one Hyperscan database finds, in one pass over a chunk, which rules can apply and
// where the secret-looking key words are; PCRE2 (JIT) then runs only the rules that can.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace sm::redact {

inline constexpr std::string_view kMarker = "***REDACTED***";
// What Spark itself writes for redacted values (Utils.REDACTION_REPLACEMENT_TEXT).
inline constexpr std::string_view kSparkMarker = "*********(redacted)";

namespace rule {
inline constexpr std::string_view kConfSecret = "conf-secret";
inline constexpr std::string_view kAwsSecretKey = "aws-secret-key";
inline constexpr std::string_view kAuthorizationHeader = "authorization-header";
inline constexpr std::string_view kBearerToken = "bearer-token";
inline constexpr std::string_view kUrlCredentials = "url-credentials";
inline constexpr std::string_view kAwsAccessKeyId = "aws-access-key-id";
inline constexpr std::string_view kKnownValue = "known-value";
}  // namespace rule

// Values shorter than this are not remembered as known values: "admin" or "1234" would
// match all over a log.
inline constexpr size_t kMinKnownValueLength = 8;

// Counts per rule name, in the order rules first fired. Never holds a value.
class Counts {
 public:
  void add(std::string_view rule, uint64_t n);
  void merge(const Counts& other);
  uint64_t get(std::string_view rule) const;
  uint64_t total() const;
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, uint64_t>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, uint64_t>> items_;
};

// A user rule: a PCRE2 regex (case-sensitive unless it says (?i)). With capture groups only
// the first group's text is replaced, else the whole match.
struct UserRule {
  std::string regex;
  std::string name;  // in manifests: "custom:<file>:<line>"
};

// Reads a --redact-rules file: one regex per line; empty lines and lines whose first
// non-blank character is '#' are skipped; a line ending in '\r' loses it. Every rule is
// compiled here, so a bad one is reported as "<file>:<line>: <PCRE2 message> at offset N".
Result<std::vector<UserRule>> load_rules_file(const std::string& path);

struct RedactorOptions {
  std::vector<UserRule> user_rules;
  // Literal secrets to remove wherever they appear (rule known-value). Values shorter than
  // kMinKnownValueLength are ignored.
  std::vector<std::string> known_values;
};

class Redactor {
 public:
  static Result<std::unique_ptr<Redactor>> create(const RedactorOptions& options);
  // The built-in rules only. Built on first use; the built-in expressions are covered by the
  // unit tests, so failing to build them is a programming error (it aborts).
  static const Redactor& builtin();

  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Replaces secrets in `text` (any number of '\n'-separated lines; no value spans lines) and
  // adds what each rule replaced to `counts`. When `harvest` is given, the original values
  // of at least kMinKnownValueLength bytes are appended to it (for a known-value sweep).
  // Returns true when the text changed. Safe to call from several threads at once.
  bool redact(std::string& text, Counts& counts, std::vector<std::string>* harvest = nullptr) const;

  // Counts what redact() would replace, changing nothing.
  void scan(std::string_view text, Counts& found) const;

  // The same text with secrets replaced.
  std::string redacted(std::string_view text) const;

 private:
  Redactor();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when a configuration key looks like it holds a secret (the conf-secret test above).
bool secret_key(std::string_view key);

}  // namespace sm::redact
