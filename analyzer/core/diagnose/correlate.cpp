#include "diagnose/correlate.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "util/json_writer.h"

namespace sm::diagnose {
namespace {

using catalog::PatternFile;
using catalog::Rule;
using catalog::RuleKind;

struct Row {
  std::vector<std::pair<std::string, std::string>> cols;  // name, text value ("" for NULL)
  std::vector<bool> is_null;
  const std::string* get(std::string_view name) const {
    for (size_t i = 0; i < cols.size(); ++i)
      if (cols[i].first == name && !is_null[i]) return &cols[i].second;
    return nullptr;
  }
};

std::string where_of(const PatternFile& cls, const Rule& r) {
  return cls.path + ":" + std::to_string(r.line) + ": rule '" + r.name + "'";
}

// Binds :app_key, every class param, and :fact_<name> for the given facts.
void bind_all(sql::Stmt& st, int64_t app_key, const PatternFile& cls, const std::map<std::string, std::string>* facts) {
  sqlite3_stmt* s = st.raw();
  int n = sqlite3_bind_parameter_count(s);
  for (int i = 1; i <= n; ++i) {
    const char* raw = sqlite3_bind_parameter_name(s, i);
    if (!raw) continue;
    std::string name(raw + 1);  // drop ':' / '@' / '$'
    if (name == "app_key") {
      sqlite3_bind_int64(s, i, app_key);
    } else if (auto it = cls.params.find(name); it != cls.params.end()) {
      std::visit([&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) sqlite3_bind_int64(s, i, v);
        else if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(s, i, v);
        else sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
      }, it->second);
    } else if (facts && name.rfind("fact_", 0) == 0) {
      auto f = facts->find(name.substr(5));
      if (f != facts->end()) sqlite3_bind_text(s, i, f->second.c_str(), static_cast<int>(f->second.size()), SQLITE_TRANSIENT);
    }
  }
}

Result<std::vector<Row>> run_rule(sql::Db& db, const PatternFile& cls, const Rule& rule, int64_t app_key,
                                  const std::map<std::string, std::string>* facts) {
  auto st = db.prepare(rule.sql);
  if (!st.ok()) return Error::bad_input(st.error().message);
  if (!st->readonly()) return Error::bad_input("the rule is not read-only");
  bind_all(*st, app_key, cls, facts);
  std::vector<Row> rows;
  constexpr size_t kMaxRows = 200;
  for (;;) {
    auto has = st->step();
    if (!has.ok()) return has.take_error();
    if (!*has || rows.size() >= kMaxRows) break;
    Row r;
    for (int c = 0; c < st->column_count(); ++c) {
      r.cols.emplace_back(st->column_name(c), st->column_text(c));
      r.is_null.push_back(st->column_is_null(c));
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

double to_double(const std::string* s, double fallback = 0) {
  if (!s) return fallback;
  char* end = nullptr;
  double d = std::strtod(s->c_str(), &end);
  return end == s->c_str() ? fallback : d;
}

std::vector<std::string> split_sources(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

const std::set<std::string> kReservedColumns = {"score", "subject", "first_ts", "summary", "sources"};

}  // namespace

void check_rules(sql::Db& db, const catalog::Catalog& catalog, std::vector<RuleError>& errors) {
  for (const auto& cls : catalog.classes)
    for (const auto& r : cls.rules) {
      auto st = db.prepare(r.sql);
      if (!st.ok()) errors.push_back({where_of(cls, r), st.error().message});
      else if (!st->readonly()) errors.push_back({where_of(cls, r), "the rule is not read-only"});
    }
}

Result<Diagnosis> diagnose_app(sql::Db& db, const catalog::Catalog& catalog, int64_t app_key,
                               const CorrelateOptions& opts, std::vector<RuleError>& errors) {
  SM_TRY(db.exec("PRAGMA query_only = ON"));
  Diagnosis d;
  for (const auto& cls : catalog.classes) {
    std::optional<Finding> best;
    std::set<std::string> sources;
    for (const auto& rule : cls.rules) {
      if (rule.kind != RuleKind::finding) continue;
      auto rows = run_rule(db, cls, rule, app_key, nullptr);
      if (!rows.ok()) {
        errors.push_back({where_of(cls, rule), rows.error().message});
        continue;
      }
      for (const auto& row : *rows) {
        double score = std::clamp(to_double(row.get("score")), 0.0, 1.0);
        if (score <= 0) continue;
        if (const std::string* s = row.get("sources"))
          for (auto& src : split_sources(*s)) sources.insert(src);
        if (best && score <= best->score) {
          if (const std::string* t = row.get("first_ts")) {
            auto ts = static_cast<int64_t>(to_double(t));
            if (ts > 0 && (!best->first_ts || ts < *best->first_ts)) best->first_ts = ts;
          }
          continue;
        }
        std::optional<int64_t> prev_ts = best ? best->first_ts : std::nullopt;
        Finding f;
        f.failure_class = cls.id;
        f.code = cls.code;
        f.title = cls.title;
        f.severity = cls.severity;
        f.runbook = cls.runbook;
        f.score = score;
        if (const std::string* s = row.get("summary")) f.summary = *s;
        if (const std::string* t = row.get("first_ts")) {
          auto ts = static_cast<int64_t>(to_double(t));
          if (ts > 0) f.first_ts = ts;
        }
        if (prev_ts && (!f.first_ts || *prev_ts < *f.first_ts)) f.first_ts = prev_ts;
        for (size_t i = 0; i < row.cols.size(); ++i)
          if (!kReservedColumns.count(row.cols[i].first) && !row.is_null[i]) f.facts[row.cols[i].first] = row.cols[i].second;
        if (const std::string* subj = row.get("subject")) f.facts["subject"] = *subj;
        best = std::move(f);
      }
    }
    if (!best) continue;
    Finding f = std::move(*best);
    f.sources.assign(sources.begin(), sources.end());
    if (f.summary.empty()) f.summary = cls.title;
    // One line is one piece of evidence, however many signatures or rules found it.
    std::set<std::pair<std::string, std::string>> seen_evidence;
    for (const auto& rule : cls.rules) {
      if (rule.kind == RuleKind::finding) continue;
      auto rows = run_rule(db, cls, rule, app_key, &f.facts);
      if (!rows.ok()) {
        errors.push_back({where_of(cls, rule), rows.error().message});
        continue;
      }
      for (const auto& row : *rows) {
        if (rule.kind == RuleKind::evidence) {
          Evidence e;
          if (const std::string* v = row.get("source")) e.source = *v;
          if (const std::string* v = row.get("location")) e.location = *v;
          if (const std::string* v = row.get("text")) e.text = *v;
          if (const std::string* v = row.get("ts")) {
            auto ts = static_cast<int64_t>(to_double(v));
            if (ts > 0) e.ts = ts;
          }
          if (!e.location.empty() && !seen_evidence.emplace(e.location, e.text).second) continue;
          f.evidence.push_back(std::move(e));
        } else {
          Recommendation r;
          if (const std::string* v = row.get("action")) r.action = *v;
          if (const std::string* v = row.get("config_key")) r.config_key = *v;
          if (const std::string* v = row.get("value")) r.value = *v;
          if (const std::string* v = row.get("why")) r.why = *v;
          if (const std::string* v = row.get("applies_to")) r.applies_to = *v;
          if (!r.action.empty()) f.recommendations.push_back(std::move(r));
        }
      }
    }
    std::stable_sort(f.evidence.begin(), f.evidence.end(), [](const Evidence& a, const Evidence& b) {
      return a.ts.value_or(INT64_MAX) < b.ts.value_or(INT64_MAX);
    });
    // Every source kind that produced evidence corroborates too.
    for (const auto& e : f.evidence)
      if (!e.source.empty() && std::find(f.sources.begin(), f.sources.end(), e.source) == f.sources.end())
        f.sources.push_back(e.source);
    d.findings.push_back(std::move(f));
  }
  SM_TRY(db.exec("PRAGMA query_only = OFF"));
  (void)opts;
  return d;
}

}  // namespace sm::diagnose
