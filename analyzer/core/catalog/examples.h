#pragma once
// Catalog self-tests that need the matcher and the index schema: every signature example
// behaves as declared, and every rule prepares read-only against the real schema.
#include <vector>

#include "catalog/catalog.h"

namespace sm::catalog {

// Every `match = true` example matches its own signature (on every stream the signature
// declares) and no `root` signature of another class; every `match = false` example does not
// match its signature. An example the matcher cannot be built for is reported once.
std::vector<CatalogIssue> check_examples(const Catalog& catalog);

// Prepares every rule against an empty in-memory index (event-log schema + analysis schema +
// the SQL helper functions) and requires it to be read-only.
std::vector<CatalogIssue> check_rules_prepare(const Catalog& catalog);

}  // namespace sm::catalog
