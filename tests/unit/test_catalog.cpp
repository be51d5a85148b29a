// The catalog keeps itself honest: every failure class has its pattern file and runbook (with
// the six sections), codes are unique, the explains-graph has no cycle, every example behaves
// as declared against the one Hyperscan database, and every rule prepares read-only against
// the real index schema. This is what `sparkmedic-analyze patterns check` prints.
#include <catch2/catch.hpp>

#include "catalog/catalog.h"
#include "catalog/examples.h"

using namespace sm;

TEST_CASE("catalog: the embedded catalog passes every check", "[catalog]") {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog("", issues);
  REQUIRE(cat.ok());
  catalog::check_catalog(*cat, issues);
  auto ex = catalog::check_examples(*cat);
  issues.insert(issues.end(), ex.begin(), ex.end());
  auto rules = catalog::check_rules_prepare(*cat);
  issues.insert(issues.end(), rules.begin(), rules.end());
  for (const auto& i : issues) UNSCOPED_INFO(i.str());
  CHECK(issues.empty());
  CHECK(cat->classes.size() == catalog::known_classes().size());
  for (const auto& c : cat->classes) {
    INFO(c.id);
    CHECK(cat->find_runbook(c.runbook) != nullptr);
    CHECK(!c.signatures.empty());
  }
}

TEST_CASE("catalog: a broken pattern file is reported with file, line and the reason", "[catalog]") {
  std::vector<catalog::CatalogIssue> issues;
  auto pf = catalog::parse_pattern_file("id = \"disk_space\"\ncode = \"SM-X\"\n[[signature]]\nname = \"s\"\nexpr = 3\n",
                                        "disk_space.toml", issues);
  REQUIRE(!issues.empty());
  CHECK(issues.front().file == "disk_space.toml");
  CHECK(issues.front().line > 0);
}
