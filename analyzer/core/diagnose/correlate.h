#pragma once
// Runs the catalog's correlation rules over the index for one application and ranks what they
// find into a Diagnosis: root cause first, symptoms under the cause that explains them.
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "diagnose/diagnosis.h"
#include "util/sqlite.h"

namespace sm::diagnose {

struct CorrelateOptions {
  double confidence_floor = 0.5;  // below this a root cause is not named ("cannot tell")
  int64_t explains_slack_ms = 120'000;  // a cause may be logged up to this much after its symptom
  std::string runbook_base_url;   // "" -> runbooks/<stem>.md relative links
};

struct RuleError {
  std::string where;    // "patterns/x.toml:12: rule 'y'"
  std::string message;
};

// `db` must hold the index (schema + analysis schema) and have the SQL helper functions
// registered. Rules run read-only (PRAGMA query_only) and each must prepare as read-only.
Result<Diagnosis> diagnose_app(sql::Db& db, const catalog::Catalog& catalog, int64_t app_key,
                               const CorrelateOptions& options, std::vector<RuleError>& errors);

// Checks that every rule of the catalog prepares, read-only, against the schema.
void check_rules(sql::Db& db, const catalog::Catalog& catalog, std::vector<RuleError>& errors);

}  // namespace sm::diagnose
