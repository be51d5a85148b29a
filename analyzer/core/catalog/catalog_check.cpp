// Assembling the catalog (embedded files plus an override directory) and the checks that
// span files: runbooks present and complete, explains-graph closed and acyclic.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "catalog/catalog.h"
#include "catalog/embedded_files.h"

namespace sm::catalog {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<Catalog> load_catalog(const std::string& override_dir, std::vector<CatalogIssue>& issues) {
  std::map<std::string, PatternFile> classes;
  std::map<std::string, Runbook> runbooks;
  const embedded::EmbeddedFile* pf = embedded::patterns_files();
  for (size_t i = 0; i < embedded::patterns_files_count(); ++i) {
    std::string path = std::string("<embedded>/patterns/") + pf[i].name;
    if (auto p = parse_pattern_file(pf[i].contents, path, issues)) classes[p->id] = std::move(*p);
  }
  const embedded::EmbeddedFile* rb = embedded::runbooks_files();
  for (size_t i = 0; i < embedded::runbooks_files_count(); ++i) {
    std::string name = rb[i].name;
    std::string stem = name.substr(0, name.size() - 3);
    runbooks[stem] = Runbook{stem, "<embedded>/runbooks/" + name, std::string(rb[i].contents)};
  }
  if (!override_dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(override_dir, ec)) return Error::bad_input(override_dir + ": --patterns is not a directory");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(override_dir, ec))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string name = f.filename().string();
      if (ends_with(name, ".toml")) {
        if (auto p = parse_pattern_file(read_text(f), f.string(), issues)) classes[p->id] = std::move(*p);
      } else if (ends_with(name, ".md")) {
        std::string stem = name.substr(0, name.size() - 3);
        runbooks[stem] = Runbook{stem, f.string(), read_text(f)};
      }
    }
    // A runbooks/ directory beside the patterns (a checkout of the repository) is used too.
    fs::path rb_dir = fs::path(override_dir).parent_path() / "runbooks";
    if (fs::is_directory(rb_dir, ec))
      for (const auto& e : fs::directory_iterator(rb_dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".md") {
          std::string stem = e.path().stem().string();
          runbooks[stem] = Runbook{stem, e.path().string(), read_text(e.path())};
        }
  }
  Catalog cat;
  for (auto& [id, p] : classes) cat.classes.push_back(std::move(p));
  for (auto& [stem, r] : runbooks) cat.runbooks.push_back(std::move(r));
  if (cat.classes.empty()) return Error::bad_input("no usable pattern file (see the issues above)");
  return cat;
}

void check_catalog(const Catalog& cat, std::vector<CatalogIssue>& issues) {
  std::set<std::string> ids;
  for (const auto& c : cat.classes) ids.insert(c.id);
  for (const auto& k : known_classes())
    if (!ids.count(k)) issues.push_back({"patterns/" + k + ".toml", 0, 0, "failure class '" + k + "' has no pattern file"});
  std::set<std::string> codes;
  for (const auto& c : cat.classes) {
    if (!codes.insert(c.code).second) issues.push_back({c.path, 0, 0, "code '" + c.code + "' is used by another class"});
    if (!cat.find_runbook(c.runbook))
      issues.push_back({c.path, 0, 0, "runbook '" + c.runbook + "' does not exist (runbooks/" + c.runbook + ".md)"});
    for (const auto& e : c.explains)
      if (!ids.count(e)) issues.push_back({c.path, 0, 0, "explains unknown class '" + e + "'"});
    bool has_finding = std::any_of(c.rules.begin(), c.rules.end(), [](const Rule& r) { return r.kind == RuleKind::finding; });
    if (!has_finding) issues.push_back({c.path, 0, 0, "class '" + c.id + "' has no finding rule"});
  }
  // Alert names are global in Prometheus and Alertmanager: one name, one class, one runbook.
  std::map<std::string, std::string> alert_owner;
  for (const auto& c : cat.classes)
    for (const auto& a : c.alerts)
      if (auto [it, fresh] = alert_owner.emplace(a.name, c.id); !fresh)
        issues.push_back({c.path, a.line, 0, "alert '" + a.name + "' is also defined by class '" + it->second + "'"});
  // The explains-graph must be acyclic, or root causes could explain each other away.
  std::map<std::string, const PatternFile*> by_id;
  for (const auto& c : cat.classes) by_id[c.id] = &c;
  std::map<std::string, int> state;  // 0 new, 1 visiting, 2 done
  std::function<bool(const std::string&, std::vector<std::string>&)> visit = [&](const std::string& id,
                                                                                  std::vector<std::string>& path) {
    if (state[id] == 2) return true;
    if (state[id] == 1) {
      std::string cycle;
      for (const auto& p : path) cycle += p + " -> ";
      issues.push_back({by_id[id] ? by_id[id]->path : id, 0, 0, "explains-graph cycle: " + cycle + id});
      return false;
    }
    state[id] = 1;
    path.push_back(id);
    if (auto it = by_id.find(id); it != by_id.end())
      for (const auto& e : it->second->explains)
        if (!visit(e, path)) return false;
    path.pop_back();
    state[id] = 2;
    return true;
  };
  for (const auto& c : cat.classes) {
    std::vector<std::string> path;
    visit(c.id, path);
  }
  // Runbooks: every section, in order, as "## <Section>".
  for (const auto& r : cat.runbooks) {
    if (r.stem == "README") continue;
    size_t pos = 0;
    for (const auto& sec : runbook_sections()) {
      size_t at = r.text.find("\n## " + sec, pos);
      if (at == std::string::npos) {
        issues.push_back({r.path, 0, 0, "runbook lacks the section '## " + sec + "' (or has it out of order)"});
        break;
      }
      pos = at + 1;
    }
  }
}

}  // namespace sm::catalog
