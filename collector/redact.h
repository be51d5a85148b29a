#pragma once
// Redaction of what the collector records about itself: the command line goes into the
// manifest, and origins (paths, later URLs) go into files[]. Values are replaced, and only
// counts per rule are kept: a manifest never carries a secret.
#include <string>
#include <string_view>
#include <vector>

#include "bundle/manifest.h"

namespace sm::collect {

inline constexpr std::string_view kRedacted = "***REDACTED***";
// Rule names as they appear in manifest.redaction.rules.
inline constexpr std::string_view kRuleSecretOption = "secret-option";  // --token X, --password=X
inline constexpr std::string_view kRuleUrlCredentials = "url-credentials";  // https://user:pw@host

struct RedactedCommandLine {
  std::vector<std::string> args;
  std::vector<bundle::RedactionCount> counts;  // only rules that fired
};

// Redacts the values of options whose names look secret (password, passwd, token, secret,
// credential, api-key/apikey, auth) in both "--opt value" and "--opt=value" forms, and user
// information in URLs anywhere in an argument.
RedactedCommandLine redact_command_line(const std::vector<std::string>& argv);

// "https://user:pw@host/x" -> "https://host/x"; counts removals in *count when given.
std::string strip_url_credentials(std::string_view s, uint64_t* count = nullptr);

// Adds n to the rule's count (creating it), for merging counts from several places.
void add_redaction(std::vector<bundle::RedactionCount>& counts, std::string_view rule, uint64_t n);

}  // namespace sm::collect
