// `patterns list | explain | check`: the catalog, printed from its data.
#include <cstdio>
#include <string>

#include "app/commands.h"
#include "catalog/catalog.h"
#include "catalog/examples.h"

namespace sm::app {
namespace {

Result<catalog::Catalog> load(const PatternsArgs& args, bool print_issues) {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog(args.patterns_dir, issues);
  if (print_issues)
    for (const auto& i : issues) std::fprintf(stderr, "%s\n", i.str().c_str());
  return cat;
}

}  // namespace

int run_patterns_list(const PatternsArgs& args) {
  auto cat = load(args, true);
  if (!cat.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", cat.error().message.c_str());
    return kExitBadInput;
  }
  std::printf("%-26s %-24s %-9s %4s %5s  %s\n", "CLASS", "CODE", "SEVERITY", "SIGS", "RULES", "TITLE");
  for (const auto& c : cat->classes)
    std::printf("%-26s %-24s %-9s %4zu %5zu  %s\n", c.id.c_str(), c.code.c_str(), c.severity.c_str(), c.signatures.size(),
                c.rules.size(), c.title.c_str());
  return kExitOk;
}

int run_patterns_explain(const PatternsArgs& args) {
  auto cat = load(args, true);
  if (!cat.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", cat.error().message.c_str());
    return kExitBadInput;
  }
  const catalog::PatternFile* c = cat->find_class(args.target);
  if (!c) {
    std::fprintf(stderr, "sparkmedic-analyze: no failure class or code '%s' (see 'patterns list')\n", args.target.c_str());
    return kExitBadInput;
  }
  std::printf("%s  [%s]  %s\n%s\n\n%s\n\n", c->id.c_str(), c->code.c_str(), c->severity.c_str(), c->title.c_str(),
              c->summary.c_str());
  if (!c->explains.empty()) {
    std::printf("Explains (its symptoms):");
    for (const auto& e : c->explains) std::printf(" %s", e.c_str());
    std::printf("\n\n");
  }
  std::printf("Signatures\n");
  for (const auto& s : c->signatures) {
    std::string streams;
    for (uint32_t bit = 1; bit <= catalog::kAlert; bit <<= 1)
      if (s.streams & bit) streams += std::string(streams.empty() ? "" : ",") + catalog::stream_name(static_cast<catalog::Stream>(bit));
    std::printf("  %-28s %-7s w=%.2f  [%s]\n      %s\n", s.name.c_str(), catalog::role_name(s.role), s.weight, streams.c_str(),
                s.expr.c_str());
    if (!s.source.empty()) std::printf("      source: %s\n", s.source.c_str());
  }
  std::printf("\nRules\n");
  for (const auto& r : c->rules) std::printf("  %-28s %s\n", r.name.c_str(), catalog::rule_kind_name(r.kind));
  const catalog::Runbook* rb = cat->find_runbook(c->runbook);
  std::printf("\nRunbook: runbooks/%s.md%s\n", c->runbook.c_str(), rb ? "" : "  (MISSING)");
  if (rb) {
    // The runbook's first lines: its title and the 3 a.m. box.
    size_t end = rb->text.find("\n## ");
    std::printf("\n%s\n", rb->text.substr(0, end).c_str());
  }
  return kExitOk;
}

int run_patterns_check(const PatternsArgs& args) {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog(args.patterns_dir, issues);
  if (cat.ok()) {
    catalog::check_catalog(*cat, issues);
    auto ex = catalog::check_examples(*cat);
    issues.insert(issues.end(), ex.begin(), ex.end());
    auto rules = catalog::check_rules_prepare(*cat);
    issues.insert(issues.end(), rules.begin(), rules.end());
  }
  for (const auto& i : issues) std::printf("%s\n", i.str().c_str());
  if (!cat.ok()) {
    std::printf("%s\n", cat.error().message.c_str());
    return kExitBadInput;
  }
  std::printf("%zu classes, %zu problems\n", cat->classes.size(), issues.size());
  return issues.empty() ? kExitOk : kExitBadInput;
}

}  // namespace sm::app
