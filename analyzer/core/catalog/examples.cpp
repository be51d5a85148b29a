#include "catalog/examples.h"

#include <set>
#include <string>

#include "diagnose/correlate.h"
#include "diagnose/sql_functions.h"
#include "index/index_writer.h"
#include "match/matcher.h"

namespace sm::embedded {
extern const std::string_view index_analysis_schema_sql;
}

namespace sm::catalog {
namespace {

std::string file_of(const PatternFile& c) { return c.path.empty() ? c.id + ".toml" : c.path; }

// The lowest stream bit of a mask (examples are scanned as that stream).
StreamMask first_stream(StreamMask m) { return m & (~m + 1); }

std::string shorten(std::string_view s) {
  std::string out(s.substr(0, 80));
  for (char& ch : out)
    if (ch == '\n' || ch == '\r') ch = ' ';
  if (s.size() > 80) out += "...";
  return out;
}

}  // namespace

std::vector<CatalogIssue> check_examples(const Catalog& catalog) {
  std::vector<CatalogIssue> issues;
  auto m = match::Matcher::build(catalog);
  if (!m.ok()) {
    issues.push_back({"<catalog>", 0, 0, "cannot build the signature database: " + m.error().message});
    return issues;
  }
  match::Matcher& matcher = **m;
  const auto& sigs = matcher.signatures();
  for (uint32_t i = 0; i < sigs.size(); ++i) {
    const PatternFile& cls = *sigs[i].cls;
    const Signature& sig = *sigs[i].sig;
    for (const Example& ex : sig.examples) {
      // Scan the example on each stream its signature applies to; collect what matched.
      std::set<uint32_t> hits_own_streams;
      std::set<uint32_t> hits;
      for (StreamMask rest = sig.streams; rest != 0;) {
        StreamMask s = first_stream(rest);
        rest &= ~s;
        auto st = matcher.scan(ex.text, s, [&](const match::LineMatch& lm) {
          hits.insert(lm.signature);
          if (lm.signature == i) hits_own_streams.insert(s);
        });
        if (!st.ok()) {
          issues.push_back({file_of(cls), ex.line, 0, "signature '" + sig.name + "': scanning example failed: " + st.error().message});
          break;
        }
      }
      if (ex.match) {
        if (hits_own_streams.empty())
          issues.push_back({file_of(cls), ex.line, 0,
                            "signature '" + sig.name + "': example does not match: \"" + shorten(ex.text) + "\""});
        for (uint32_t h : hits) {
          if (h == i) continue;
          const auto& other = sigs[h];
          if (other.cls->id != cls.id && other.sig->role == Role::root)
            issues.push_back({file_of(cls), ex.line, 0,
                              "signature '" + sig.name + "': example also matches root signature '" + other.sig->name +
                                  "' of class " + other.cls->id + " (make one of them more precise)"});
        }
      } else if (hits.count(i)) {
        issues.push_back({file_of(cls), ex.line, 0,
                          "signature '" + sig.name + "': near-miss example matches: \"" + shorten(ex.text) + "\""});
      }
      if (ex.source.empty())
        issues.push_back({file_of(cls), ex.line, 0, "signature '" + sig.name + "': example has no source (cite a real run or log)"});
    }
  }
  return issues;
}

std::vector<CatalogIssue> check_rules_prepare(const Catalog& catalog) {
  std::vector<CatalogIssue> issues;
  auto w = index::IndexWriter::create(":memory:");
  if (!w.ok()) {
    issues.push_back({"<index>", 0, 0, w.error().message});
    return issues;
  }
  sql::Db& db = (*w)->db();
  auto st = db.exec(embedded::index_analysis_schema_sql);
  if (st.ok()) st = diagnose::register_sql_functions(db);
  if (!st.ok()) {
    issues.push_back({"<index>", 0, 0, st.error().message});
    return issues;
  }
  std::vector<diagnose::RuleError> errors;
  diagnose::check_rules(db, catalog, errors);
  for (auto& e : errors) issues.push_back({e.where, 0, 0, e.message});
  return issues;
}

}  // namespace sm::catalog
