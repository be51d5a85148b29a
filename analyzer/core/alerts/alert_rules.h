#pragma once
// Alerting rules generated from the pattern catalog: every [[alert]] of a failure class becomes a
// Prometheus (or Loki ruler) rule with the class's severity label and a runbook_url built from
// ONE base URL plus the class's runbook, so no alert can miss its link. Outputs: a plain rules
// file, a prometheus-operator PrometheusRule manifest and a Loki ruler file (docs/alerts.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"

namespace sm::alerts {

// Where the runbooks are served when nothing else is said; `--runbook-base-url` replaces it.
inline constexpr std::string_view kDefaultRunbookBaseUrl = "https://github.com/sparkmedic/sparkmedic/blob/main/runbooks/";

// base + stem + ".md", with exactly one '/' between base and stem. The analyzer's reports use
// the same function, so a report and an alert link the same page.
std::string runbook_url(std::string_view base, std::string_view stem);

struct GenOptions {
  std::string runbook_base_url{kDefaultRunbookBaseUrl};
  std::optional<int64_t> max_for_ms;   // lab rehearsals: cap every `for` (drills last a minute)
  std::string interval;                // group evaluation interval ("" = the server's default)
  std::string manifest_name = "sparkmedic";
  std::string manifest_namespace;      // "" = no namespace in the manifest
};

// Each returns the YAML text; `error` is set (and "" returned) if the catalog cannot make a
// valid file (an alert names a missing runbook, a Loki signature cannot be put in LogQL).
std::string prometheus_rules(const catalog::Catalog& cat, const GenOptions& opt, std::string& error);
std::string prometheus_rule_manifest(const catalog::Catalog& cat, const GenOptions& opt, std::string& error);
std::string loki_rules(const catalog::Catalog& cat, const GenOptions& opt, std::string& error);

// The LogQL line-filter regex for a signature expression with Hyperscan flags (RE2 syntax: the
// flags become a (?i)/(?s)/(?m) prefix). nullopt when the expression uses what RE2 lacks.
std::optional<std::string> logql_regex(const catalog::Signature& sig, std::string& why);

// YAML double-quoted scalar.
std::string yaml_quote(std::string_view s);

}  // namespace sm::alerts
