#include "redact.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sm::collect {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool secret_option_name(std::string_view opt) {
  static constexpr std::array<std::string_view, 8> kWords = {"password", "passwd", "token", "secret",
                                                             "credential", "api-key", "apikey", "auth"};
  const std::string l = lower(opt);
  return std::any_of(kWords.begin(), kWords.end(), [&](std::string_view w) { return l.find(w) != std::string::npos; });
}

bool is_option(std::string_view a) { return a.size() > 1 && a[0] == '-'; }

}  // namespace

void add_redaction(std::vector<bundle::RedactionCount>& counts, std::string_view rule, uint64_t n) {
  if (n == 0) return;
  for (auto& c : counts)
    if (c.rule == rule) {
      c.count += n;
      return;
    }
  counts.push_back({std::string(rule), n});
}

std::string strip_url_credentials(std::string_view s, uint64_t* count) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    const size_t scheme = s.find("://", pos);
    if (scheme == std::string_view::npos) break;
    const size_t host_start = scheme + 3;
    // The authority ends at the first '/', '?', '#' or whitespace; userinfo is before its last '@'.
    size_t end = host_start;
    while (end < s.size() && s[end] != '/' && s[end] != '?' && s[end] != '#' &&
           !std::isspace(static_cast<unsigned char>(s[end])))
      ++end;
    const std::string_view authority = s.substr(host_start, end - host_start);
    const size_t at = authority.rfind('@');
    out.append(s.substr(pos, host_start - pos));
    if (at != std::string_view::npos) {
      out.append(authority.substr(at + 1));
      if (count != nullptr) ++*count;
    } else {
      out.append(authority);
    }
    pos = end;
  }
  out.append(s.substr(pos));
  return out;
}

RedactedCommandLine redact_command_line(const std::vector<std::string>& argv) {
  RedactedCommandLine out;
  uint64_t secret_options = 0, urls = 0;
  bool redact_next = false;
  for (const auto& arg : argv) {
    if (redact_next && !is_option(arg)) {
      out.args.emplace_back(kRedacted);
      ++secret_options;
      redact_next = false;
      continue;
    }
    redact_next = false;
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      const size_t eq = arg.find('=');
      const std::string_view name = std::string_view(arg).substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (secret_option_name(name)) {
        if (eq == std::string::npos) {
          out.args.push_back(arg);
          redact_next = true;
        } else {
          out.args.push_back(arg.substr(0, eq + 1) + std::string(kRedacted));
          ++secret_options;
        }
        continue;
      }
    }
    out.args.push_back(strip_url_credentials(arg, &urls));
  }
  add_redaction(out.counts, kRuleSecretOption, secret_options);
  add_redaction(out.counts, kRuleUrlCredentials, urls);
  return out;
}

}  // namespace sm::collect
