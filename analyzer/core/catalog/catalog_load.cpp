// Parses pattern files (toml++) into the catalog model, collecting every authoring error with
// its position instead of stopping at the first.
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/catalog.h"
#include "catalog/embedded_files.h"

namespace sm::catalog {
namespace {

constexpr std::string_view kStreamNames[] = {"driver_log",    "executor_log", "other_log",  "task_failure",
                                             "stage_failure", "job_failure",  "executor_removed",
                                             "sql_failure",   "k8s_event",    "k8s_status", "alert"};

struct Ctx {
  const std::string& path;
  std::vector<CatalogIssue>& issues;
  bool ok = true;
  void error(const toml::source_region& where, std::string msg) {
    issues.push_back({path, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), std::move(msg)});
    ok = false;
  }
  void error_at(int line, std::string msg) {
    issues.push_back({path, line, 0, std::move(msg)});
    ok = false;
  }
};

// Reads a required (or optional) string key.
bool get_string(Ctx& c, const toml::table& t, std::string_view key, std::string& out, bool required) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) c.error(t.source(), "missing required key '" + std::string(key) + "'");
    return !required;
  }
  if (auto s = n->value<std::string>()) {
    out = *s;
    return true;
  }
  c.error(n->source(), "'" + std::string(key) + "' must be a string");
  return false;
}

std::vector<std::string> get_string_array(Ctx& c, const toml::table& t, std::string_view key) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) {
    c.error(n->source(), "'" + std::string(key) + "' must be an array of strings");
    return out;
  }
  for (const auto& item : *a) {
    if (auto s = item.value<std::string>()) out.push_back(*s);
    else c.error(item.source(), "'" + std::string(key) + "' must contain only strings");
  }
  return out;
}

void parse_signature(Ctx& c, const toml::table& t, PatternFile& pf) {
  Signature s;
  s.line = static_cast<int>(t.source().begin.line);
  get_string(c, t, "name", s.name, true);
  get_string(c, t, "expr", s.expr, true);
  get_string(c, t, "extract", s.extract, false);
  get_string(c, t, "source", s.source, false);
  s.flags = get_string_array(c, t, "flags");
  for (const auto& f : s.flags)
    if (f != "caseless" && f != "dotall" && f != "multiline" && f != "utf8")
      c.error(t.source(), "signature '" + s.name + "': unknown flag '" + f + "' (caseless, dotall, multiline, utf8)");
  for (const auto& name : get_string_array(c, t, "streams")) {
    auto st = stream_from_name(name);
    if (!st) c.error(t.source(), "signature '" + s.name + "': unknown stream '" + name + "'");
    else s.streams |= *st;
  }
  if (s.streams == 0) c.error(t.source(), "signature '" + s.name + "': 'streams' must name at least one stream");
  std::string role = "root";
  get_string(c, t, "role", role, false);
  if (role == "root") s.role = Role::root;
  else if (role == "symptom") s.role = Role::symptom;
  else if (role == "context") s.role = Role::context;
  else c.error(t.source(), "signature '" + s.name + "': role must be root, symptom or context");
  if (const toml::node* w = t.get("weight")) {
    auto d = w->value<double>();
    if (!d || *d < 0.0 || *d > 1.0) c.error(w->source(), "signature '" + s.name + "': weight must be a number in 0..1");
    else s.weight = *d;
  }
  if (const toml::node* ex = t.get("example")) {
    const toml::array* arr = ex->as_array();
    if (!arr) {
      c.error(ex->source(), "signature '" + s.name + "': 'example' must be an array of tables ([[signature.example]])");
    } else {
      for (const auto& item : *arr) {
        const toml::table* et = item.as_table();
        if (!et) {
          c.error(item.source(), "example must be a table");
          continue;
        }
        Example e;
        e.line = static_cast<int>(et->source().begin.line);
        get_string(c, *et, "text", e.text, true);
        get_string(c, *et, "source", e.source, true);
        if (const toml::node* m = et->get("match")) {
          if (auto b = m->value<bool>()) e.match = *b;
          else c.error(m->source(), "example 'match' must be true or false");
        }
        s.examples.push_back(std::move(e));
      }
    }
  }
  pf.signatures.push_back(std::move(s));
}

void parse_rule(Ctx& c, const toml::table& t, PatternFile& pf) {
  Rule r;
  r.line = static_cast<int>(t.source().begin.line);
  get_string(c, t, "name", r.name, true);
  get_string(c, t, "sql", r.sql, true);
  std::string kind = "finding";
  get_string(c, t, "kind", kind, false);
  if (kind == "finding") r.kind = RuleKind::finding;
  else if (kind == "evidence") r.kind = RuleKind::evidence;
  else if (kind == "recommendation") r.kind = RuleKind::recommendation;
  else c.error(t.source(), "rule '" + r.name + "': kind must be finding, evidence or recommendation");
  pf.rules.push_back(std::move(r));
}

void parse_alert(Ctx& c, const toml::table& t, PatternFile& pf) {
  Alert a;
  a.line = static_cast<int>(t.source().begin.line);
  get_string(c, t, "name", a.name, true);
  std::string source;
  get_string(c, t, "source", source, true);
  if (auto s = alert_source_from_name(source)) a.source = *s;
  else if (!source.empty())
    c.error(t.source(), "alert '" + a.name + "': unknown source '" + source +
                            "' (spark, spark_standalone, node_exporter, kube_state_metrics, spark_operator, celeborn, loki)");
  if (a.source == AlertSource::loki) {
    get_string(c, t, "signature", a.signature, true);
    get_string(c, t, "selector", a.selector, true);
    a.range = "5m";
    get_string(c, t, "range", a.range, false);
    if (t.get("expr")) c.error(t.source(), "alert '" + a.name + "': a loki alert takes 'signature', not 'expr'");
  } else {
    get_string(c, t, "expr", a.expr, true);
  }
  get_string(c, t, "for", a.for_, true);
  get_string(c, t, "keep_firing_for", a.keep_firing_for, false);
  get_string(c, t, "severity", a.severity, true);
  get_string(c, t, "summary", a.summary, true);
  get_string(c, t, "description", a.description, true);
  for (const auto* d : {&a.for_, &a.keep_firing_for, &a.range})
    if (!d->empty() && !parse_prom_duration(*d))
      c.error(t.source(), "alert '" + a.name + "': '" + *d + "' is not a Prometheus duration (e.g. 30s, 5m, 1h)");
  if (!a.severity.empty() && a.severity != "critical" && a.severity != "warning" && a.severity != "info")
    c.error(t.source(), "alert '" + a.name + "': severity must be critical, warning or info");
  bool camel = !a.name.empty() && a.name[0] >= 'A' && a.name[0] <= 'Z';
  for (char ch : a.name)
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) camel = false;
  if (!camel) c.error(t.source(), "alert name '" + a.name + "' must be CamelCase letters and digits");
  for (std::string_view key : {"runbook_url", "labels", "annotations"})
    if (t.get(key))
      c.error(t.source(), "alert '" + a.name + "': '" + std::string(key) +
                              "' is set by the generator from the class (one base URL, the class's runbook)");
  pf.alerts.push_back(std::move(a));
}

}  // namespace

const char* alert_source_name(AlertSource s) {
  switch (s) {
    case AlertSource::spark: return "spark";
    case AlertSource::spark_standalone: return "spark_standalone";
    case AlertSource::node_exporter: return "node_exporter";
    case AlertSource::kube_state_metrics: return "kube_state_metrics";
    case AlertSource::spark_operator: return "spark_operator";
    case AlertSource::celeborn: return "celeborn";
    case AlertSource::loki: return "loki";
  }
  return "spark";
}

std::optional<AlertSource> alert_source_from_name(std::string_view name) {
  for (auto s : {AlertSource::spark, AlertSource::spark_standalone, AlertSource::node_exporter,
                 AlertSource::kube_state_metrics, AlertSource::spark_operator, AlertSource::celeborn, AlertSource::loki})
    if (name == alert_source_name(s)) return s;
  return std::nullopt;
}

std::optional<int64_t> parse_prom_duration(std::string_view s) {
  // Prometheus' model.ParseDuration: units y w d h m s ms, largest first, each at most once.
  if (s.empty()) return std::nullopt;
  if (s == "0") return 0;
  static const std::pair<std::string_view, int64_t> units[] = {
      {"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000}, {"d", 24LL * 3600 * 1000},
      {"h", 3600LL * 1000},            {"m", 60LL * 1000},            {"s", 1000},
      {"ms", 1}};
  int64_t total = 0;
  size_t i = 0;
  int prev = -1;
  while (i < s.size()) {
    size_t j = i;
    int64_t n = 0;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
      if (n > 1'000'000'000) return std::nullopt;
      n = n * 10 + (s[j] - '0');
      ++j;
    }
    if (j == i) return std::nullopt;
    size_t k = j;
    while (k < s.size() && s[k] >= 'a' && s[k] <= 'z') ++k;
    std::string_view u = s.substr(j, k - j);
    int idx = 0;
    while (idx < static_cast<int>(std::size(units)) && units[idx].first != u) ++idx;
    if (idx == static_cast<int>(std::size(units)) || idx <= prev) return std::nullopt;
    total += n * units[idx].second;
    prev = idx;
    i = k;
  }
  return total;
}

std::string format_prom_duration(int64_t ms) {
  if (ms <= 0) return "0s";
  std::string out;
  static const std::pair<const char*, int64_t> units[] = {{"h", 3600LL * 1000}, {"m", 60LL * 1000}, {"s", 1000}, {"ms", 1}};
  for (auto [u, v] : units) {
    if (ms >= v) {
      out += std::to_string(ms / v) + u;
      ms %= v;
    }
  }
  return out;
}

std::optional<Stream> stream_from_name(std::string_view name) {
  for (size_t i = 0; i < std::size(kStreamNames); ++i)
    if (kStreamNames[i] == name) return static_cast<Stream>(1u << i);
  return std::nullopt;
}

const char* stream_name(Stream s) {
  for (size_t i = 0; i < std::size(kStreamNames); ++i)
    if ((1u << i) == static_cast<uint32_t>(s)) return kStreamNames[i].data();
  return "unknown";
}

const char* role_name(Role r) {
  switch (r) {
    case Role::root: return "root";
    case Role::symptom: return "symptom";
    case Role::context: return "context";
  }
  return "context";
}

const char* rule_kind_name(RuleKind k) {
  switch (k) {
    case RuleKind::finding: return "finding";
    case RuleKind::evidence: return "evidence";
    case RuleKind::recommendation: return "recommendation";
  }
  return "finding";
}

std::string CatalogIssue::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (column > 0) s += ":" + std::to_string(column);
  return s + ": " + message;
}

const std::vector<std::string>& known_classes() {
  static const std::vector<std::string> k = {
      "driver_heap_oom",   "driver_max_result_size", "driver_crash_loop", "executor_heap_oom",
      "container_memory_exceeded", "executor_lost",  "task_user_exception", "shuffle_fetch_failed",
      "celeborn_shuffle",  "disk_space",             "data_skew",         "job_stuck_no_resources",
      "job_stuck_hung",    "spark_connect",          "pod_scheduling",    "serialization",
      "broadcast_failure", "dependency_conflict",    "storage_io",        "python_worker",
      "network_rpc",       "config_error"};
  return k;
}

const std::vector<std::string>& runbook_sections() {
  static const std::vector<std::string> s = {"Meaning", "Impact", "Detection", "Diagnosis", "Remediation", "Prevention"};
  return s;
}

const PatternFile* Catalog::find_class(std::string_view key) const {
  for (const auto& c : classes)
    if (c.id == key || c.code == key) return &c;
  return nullptr;
}

const Runbook* Catalog::find_runbook(std::string_view stem) const {
  for (const auto& r : runbooks)
    if (r.stem == stem) return &r;
  return nullptr;
}

std::optional<PatternFile> parse_pattern_file(std::string_view text, const std::string& path,
                                              std::vector<CatalogIssue>& issues) {
  Ctx c{path, issues};
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    issues.push_back({path, static_cast<int>(b.line), static_cast<int>(b.column), std::string(e.description())});
    return std::nullopt;
  }
  PatternFile pf;
  pf.path = path;
  get_string(c, root, "id", pf.id, true);
  get_string(c, root, "code", pf.code, true);
  get_string(c, root, "title", pf.title, true);
  get_string(c, root, "summary", pf.summary, true);
  get_string(c, root, "severity", pf.severity, true);
  pf.status = "stable";
  get_string(c, root, "status", pf.status, false);
  get_string(c, root, "runbook", pf.runbook, true);
  pf.explains = get_string_array(c, root, "explains");
  if (!pf.severity.empty() && pf.severity != "critical" && pf.severity != "error" && pf.severity != "warning" &&
      pf.severity != "info")
    c.error(root.source(), "severity must be critical, error, warning or info");
  if (pf.code.rfind("SM-", 0) != 0) c.error(root.source(), "code must start with 'SM-' (got '" + pf.code + "')");
  std::string stem = std::filesystem::path(path).stem().string();
  if (!pf.id.empty() && pf.id != stem) c.error(root.source(), "id '" + pf.id + "' must equal the file name '" + stem + "'");
  if (const toml::node* p = root.get("params")) {
    if (const toml::table* pt = p->as_table()) {
      for (const auto& [k, v] : *pt) {
        std::string key(k.str());
        if (auto i = v.value_exact<int64_t>()) pf.params[key] = *i;
        else if (auto d = v.value_exact<double>()) pf.params[key] = *d;
        else if (auto s = v.value_exact<std::string>()) pf.params[key] = *s;
        else c.error(v.source(), "param '" + key + "' must be a number or a string");
      }
    } else {
      c.error(p->source(), "'params' must be a table");
    }
  }
  if (const toml::node* n = root.get("alert")) {
    if (const toml::array* arr = n->as_array()) {
      for (const auto& item : *arr) {
        if (const toml::table* t = item.as_table()) parse_alert(c, *t, pf);
        else c.error(item.source(), "alert entries must be tables");
      }
    } else {
      c.error(n->source(), "'alert' must be an array of tables ([[alert]])");
    }
  }
  for (auto [key, array_key] : {std::pair{"signature", true}, std::pair{"rule", false}}) {
    const toml::node* n = root.get(key);
    if (!n) continue;
    const toml::array* arr = n->as_array();
    if (!arr) {
      c.error(n->source(), std::string("'") + key + "' must be an array of tables ([[" + key + "]])");
      continue;
    }
    for (const auto& item : *arr) {
      const toml::table* t = item.as_table();
      if (!t) {
        c.error(item.source(), std::string(key) + " entries must be tables");
        continue;
      }
      if (array_key) parse_signature(c, *t, pf);
      else parse_rule(c, *t, pf);
    }
  }
  // Names must be unique within the file (matches and rules are reported by name).
  for (size_t i = 0; i < pf.signatures.size(); ++i)
    for (size_t j = i + 1; j < pf.signatures.size(); ++j)
      if (pf.signatures[i].name == pf.signatures[j].name)
        c.error_at(pf.signatures[j].line, "duplicate signature name '" + pf.signatures[j].name + "'");
  for (const auto& a : pf.alerts) {
    if (a.source != AlertSource::loki) continue;
    bool found = false;
    for (const auto& sg : pf.signatures) found = found || sg.name == a.signature;
    if (!found) c.error_at(a.line, "alert '" + a.name + "': no signature named '" + a.signature + "' in this file");
  }
  if (!c.ok) return std::nullopt;
  return pf;
}

}  // namespace sm::catalog
