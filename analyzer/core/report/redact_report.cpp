// Report-time redaction: a second line of defence after the collector's (the analyzer also
// reads inputs that never went through the collector: a pasted log, a raw event log).
#include <regex>

#include "report/report.h"

namespace sm::report {

std::string redact_for_report(std::string_view text) {
  // Patterns for secrets that commonly appear in Spark logs and event logs.
  static const std::regex kRules[] = {
      // key=value / key: value for secret-looking keys (Spark conf, Hadoop conf, env)
      std::regex(R"(((?:secret|password|passwd|token|credential|access[._]?key|private[._]?key|sas|signature|api[._]?key)[A-Za-z0-9._-]*\s*[=:]\s*)("?)[^\s",;&]+)",
                 std::regex::icase),
      // Authorization headers and bearer tokens
      std::regex(R"((Authorization:\s*)(\S+\s+)?\S+)", std::regex::icase),
      std::regex(R"((Bearer\s+)[A-Za-z0-9._~+/=-]{8,})", std::regex::icase),
      // user:password@ in URLs
      std::regex(R"(([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(@))", std::regex::icase),
      // AWS access key ids
      std::regex(R"(()(?:AKIA|ASIA)[0-9A-Z]{16}())"),
  };
  std::string s(text);
  for (size_t i = 0; i < std::size(kRules); ++i) {
    const char* fmt = i == 0 ? "$1$2*********(redacted)" : i == 3 ? "$1*********(redacted)$2" : i == 4 ? "*********(redacted)" : "$1*********(redacted)";
    s = std::regex_replace(s, kRules[i], fmt);
  }
  return s;
}

}  // namespace sm::report
