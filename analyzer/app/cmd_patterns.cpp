// `patterns list | explain | check`: the catalog, printed from its data.
#include <chrono>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "catalog/catalog.h"
#include "catalog/examples.h"
#include "match/matcher.h"
#include "util/json_writer.h"

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

namespace sm::app {

// `patterns scan`: the signature scan alone, over plain files read in 16 MiB pieces cut at
// newlines, every signature against every line (all log streams). What a pattern author
// checks a change with, and what the scanning benchmark measures (docs/benchmarks.md).
int run_patterns_scan(const PatternsArgs& args) {
  auto cat = load(args, true);
  if (!cat.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", cat.error().message.c_str());
    return kExitBadInput;
  }
  auto m = match::Matcher::build(*cat);
  if (!m.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", m.error().message.c_str());
    return kExitBadInput;
  }
  const catalog::StreamMask logs = catalog::kDriverLog | catalog::kExecutorLog | catalog::kOtherLog;
  std::vector<uint64_t> lines((*m)->signatures().size(), 0);
  uint64_t bytes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  constexpr size_t kPiece = size_t{16} << 20;
  std::vector<char> buf(kPiece);
  for (const auto& path : args.files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "sparkmedic-analyze: %s: cannot open\n", path.c_str());
      return kExitBadInput;
    }
    size_t carry = 0;
    while (true) {
      in.read(buf.data() + carry, static_cast<std::streamsize>(buf.size() - carry));
      const size_t got = static_cast<size_t>(in.gcount());
      const size_t have = carry + got;
      if (have == 0) break;
      size_t cut = have;
      if (got > 0 && have == buf.size()) {
        std::string_view v(buf.data(), have);
        size_t nl = v.rfind('\n');
        if (nl != std::string_view::npos) cut = nl + 1;
      }
      auto st = (*m)->scan(std::string_view(buf.data(), cut), logs, [&](const match::LineMatch& lm) { ++lines[lm.signature]; });
      if (!st.ok()) {
        std::fprintf(stderr, "sparkmedic-analyze: %s: %s\n", path.c_str(), st.error().message.c_str());
        return kExitBadInput;
      }
      bytes += cut;
      carry = have - cut;
      if (carry) std::memmove(buf.data(), buf.data() + cut, carry);
      if (got == 0) break;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  const auto& sigs = (*m)->signatures();
  if (args.json) {
    JsonWriter w;
    w.begin_object().field("bytes", static_cast<int64_t>(bytes)).field("seconds", wall).field("cpu_seconds", cpu);
    w.key("signatures").begin_array();
    for (size_t i = 0; i < sigs.size(); ++i)
      w.begin_object().field("class", sigs[i].cls->id).field("signature", sigs[i].sig->name)
          .field("lines", static_cast<int64_t>(lines[i])).end_object();
    w.end_array().end_object();
    std::printf("%s\n", w.str().c_str());
    return kExitOk;
  }
  for (size_t i = 0; i < sigs.size(); ++i)
    if (lines[i]) std::printf("%10llu  %s/%s\n", static_cast<unsigned long long>(lines[i]), sigs[i].cls->id.c_str(), sigs[i].sig->name.c_str());
  std::printf("%llu bytes in %.3f s (%.3f s CPU)\n", static_cast<unsigned long long>(bytes), wall, cpu);
  return kExitOk;
}

}  // namespace sm::app
