// The runbooks keep themselves honest: every failure class has its page (title with class and
// code, the 3 a.m. box, exactly the six sections in order), the README indexes every class and
// the scenario pages, every relative link lands on a file and heading that exist, class pages
// link causes and symptoms as the explains-graph says, every `spark.*` configuration key they
// name is defined in Spark's own source (tests/data/spark-config-keys.txt, built by
// scripts/spark-config-keys.py), every SparkApplication field (spec.*) exists in the Spark
// Operator's API types (tests/data/spark-operator-fields.txt, scripts/spark-operator-fields.py),
// and every sqlite3 query they show prepares read-only against the real index schema.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "diagnose/sql_functions.h"
#include "index/index_writer.h"
#include "support.h"

namespace sm::embedded {
extern const std::string_view index_analysis_schema_sql;
}

using namespace sm;
namespace fs = std::filesystem;

namespace {

const fs::path kRunbooks = fs::path(SM_SOURCE_DIR) / "runbooks";

const std::vector<std::string> kScenarios = {"driver-crash-loop", "executor-failures", "oom-kill-mitigation",
                                             "task-failure-recovery", "shuffle-failure", "connect-issues",
                                             "job-stuck"};

// Every Markdown file under runbooks/, as a path relative to the repository.
std::vector<fs::path> all_pages() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kRunbooks))
    if (e.is_regular_file() && e.path().extension() == ".md") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string rel(const fs::path& p) { return fs::relative(p, fs::path(SM_SOURCE_DIR)).string(); }

// Lines of a page, with the lines inside ``` fences marked.
struct Line {
  std::string text;
  bool in_code = false;
  int number = 0;
};

std::vector<Line> lines_of(const std::string& text) {
  std::vector<Line> out;
  std::istringstream in(text);
  std::string s;
  bool code = false;
  int n = 0;
  while (std::getline(in, s)) {
    ++n;
    bool fence = s.rfind("```", 0) == 0;
    out.push_back({s, code || fence, n});
    if (fence) code = !code;
  }
  return out;
}

// Headings outside code blocks: (level, title).
std::vector<std::pair<int, std::string>> headings(const std::string& text) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& l : lines_of(text)) {
    if (l.in_code || l.text.empty() || l.text[0] != '#') continue;
    size_t level = l.text.find_first_not_of('#');
    if (level == std::string::npos || l.text[level] != ' ') continue;
    out.emplace_back(static_cast<int>(level), l.text.substr(level + 1));
  }
  return out;
}

// GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens.
std::string slug(const std::string& title) {
  std::string out;
  for (char c : title) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_') out += static_cast<char>(std::tolower(u));
    else if (c == ' ') out += '-';
  }
  return out;
}

struct Link {
  std::string target;
  int line = 0;
};

// [text](target) links outside code blocks and inline code spans.
std::vector<Link> links_of(const std::string& text) {
  std::vector<Link> out;
  for (const auto& l : lines_of(text)) {
    if (l.in_code) continue;
    const std::string& s = l.text;
    bool in_span = false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '`') in_span = !in_span;
      if (in_span || s[i] != ']' || i + 1 >= s.size() || s[i + 1] != '(') continue;
      size_t end = s.find(')', i + 2);
      if (end == std::string::npos) continue;
      std::string target = s.substr(i + 2, end - i - 2);
      if (size_t sp = target.find(' '); sp != std::string::npos) target.resize(sp);  // [x](url "title")
      out.push_back({target, l.number});
    }
  }
  return out;
}

// The checked-in list of real keys: exact keys and prefixes ("spark.kubernetes.driver.label.*").
struct KeyList {
  std::set<std::string> keys;
  std::vector<std::string> prefixes;  // without the '*'
  std::set<std::string> deprecated;
  int header_lines = 0;
};

KeyList load_keys() {
  KeyList k;
  std::istringstream in(test::read_file(test::data_path("spark-config-keys.txt")));
  std::string s;
  while (std::getline(in, s)) {
    if (s.empty()) continue;
    if (s[0] == '#') {
      ++k.header_lines;
      continue;
    }
    std::vector<std::string> cols;
    std::stringstream ss(s);
    for (std::string c; std::getline(ss, c, '\t');) cols.push_back(c);
    const std::string& key = cols[0];
    if (!key.empty() && key.back() == '*') k.prefixes.push_back(key.substr(0, key.size() - 1));
    else k.keys.insert(key);
    if (cols.size() > 2 && cols[2].find("deprecated") != std::string::npos) k.deprecated.insert(key);
  }
  return k;
}

struct KeyUse {
  std::string key;
  bool prefix = false;  // written as "spark.x.y.<name>" or "spark.x.y.*"
};

bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// Configuration keys named in a text: "spark." starting a token (not "org.apache.spark.x",
// "pyspark.sql", "https://spark.apache.org"), up to the first character a key cannot hold.
// A trailing '.' or '-' is punctuation, unless a placeholder follows ("spark.executorEnv.<NAME>")
// or it closes a code span (`spark.hadoop.`): then the text names a prefix.
std::vector<KeyUse> key_uses(const std::string& text) {
  std::vector<KeyUse> out;
  for (size_t i = text.find("spark."); i != std::string::npos; i = text.find("spark.", i + 1)) {
    if (i > 0) {
      char b = text[i - 1];
      if (key_char(b) || b == '/' || b == '$' || b == '@' || b == ':') continue;
    }
    size_t j = i;
    while (j < text.size() && key_char(text[j])) ++j;
    std::string token = text.substr(i, j - i);
    char next = j < text.size() ? text[j] : '\0';
    if (token.back() == '.' && (next == '<' || next == '*' || next == '[' || next == '{' || next == '`')) {
      out.push_back({token, true});
      continue;
    }
    while (!token.empty() && (token.back() == '.' || token.back() == '-')) token.pop_back();
    if (token.size() > 6) out.push_back({token, false});
  }
  return out;
}

bool is_real_key(const KeyList& k, const KeyUse& u) {
  if (u.prefix) return std::find(k.prefixes.begin(), k.prefixes.end(), u.key) != k.prefixes.end();
  if (k.keys.count(u.key)) return true;
  return std::any_of(k.prefixes.begin(), k.prefixes.end(),
                     [&](const std::string& p) { return u.key.size() > p.size() && u.key.rfind(p, 0) == 0; });
}

std::vector<std::string> linked_classes(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& l : links_of(text)) {
    std::string t = l.target.substr(0, l.target.find('#'));
    fs::path p(t);
    if (p.extension() == ".md") out.push_back(p.stem().string());
  }
  return out;
}

}  // namespace

TEST_CASE("runbooks: every failure class has its page, titled with class and code, with the 3 a.m. box", "[runbooks]") {
  const auto& cat = test::builtin_catalog();
  for (const auto& cls : catalog::known_classes()) {
    INFO("runbooks/" << cls << ".md");
    const catalog::Runbook* rb = cat.find_runbook(cls);
    REQUIRE(rb != nullptr);
    auto ls = lines_of(rb->text);
    REQUIRE(ls.size() > 3);
    const std::string& title = ls[0].text;
    CHECK(title.rfind("# ", 0) == 0);
    const catalog::PatternFile* pf = cat.find_class(cls);
    std::string tail = pf ? "(" + cls + ", " + pf->code + ")" : "(" + cls + ", SM-";
    if (pf) CHECK(title.size() > tail.size());
    if (pf) CHECK(title.substr(title.size() - std::min(title.size(), tail.size())) == tail);
    else CHECK(title.find(tail) != std::string::npos);
    // The first paragraph after the title is the box for the engineer woken at night.
    size_t k = 1;
    while (k < ls.size() && ls[k].text.empty()) ++k;
    REQUIRE(k < ls.size());
    CHECK(ls[k].text.rfind("> **At 3 a.m.:**", 0) == 0);
  }
  // Every pattern file names a runbook that exists.
  for (const auto& c : cat.classes) {
    INFO(c.path);
    CHECK(cat.find_runbook(c.runbook) != nullptr);
  }
}

TEST_CASE("runbooks: every class page has exactly the six sections, in order", "[runbooks]") {
  const auto& want = catalog::runbook_sections();
  int pages = 0;
  for (const auto& cls : catalog::known_classes()) {
    fs::path p = kRunbooks / (cls + ".md");
    INFO(rel(p));
    REQUIRE(fs::exists(p));
    std::vector<std::string> got;
    for (const auto& [level, title] : headings(test::read_file(p.string())))
      if (level == 2) got.push_back(title);
    CHECK(got == want);
    ++pages;
  }
  CHECK(pages == 22);
}

TEST_CASE("runbooks: the README indexes every class with its code, severity and page, and the scenarios", "[runbooks]") {
  const auto& cat = test::builtin_catalog();
  std::string readme = test::read_file((kRunbooks / "README.md").string());
  REQUIRE(!readme.empty());
  for (const auto& cls : catalog::known_classes()) {
    INFO(cls);
    // One table row per class: | [class](class.md) | code | severity | ... |
    std::string link = "[" + cls + "](" + cls + ".md)";
    size_t at = readme.find("| " + link + " |");
    REQUIRE(at != std::string::npos);
    std::string row = readme.substr(at, readme.find('\n', at) - at);
    if (const catalog::PatternFile* pf = cat.find_class(cls)) {
      CHECK(row.find("| " + pf->code + " |") != std::string::npos);
      CHECK(row.find("| " + pf->severity + " |") != std::string::npos);
    } else {
      CHECK(row.find("| SM-") != std::string::npos);
    }
  }
  for (const auto& s : kScenarios) {
    INFO(s);
    CHECK(readme.find("(scenarios/" + s + ".md)") != std::string::npos);
  }
  CHECK(readme.find("runbook_url") != std::string::npos);
}

TEST_CASE("runbooks: the scenario pages exist and route to class pages", "[runbooks]") {
  std::set<std::string> known(catalog::known_classes().begin(), catalog::known_classes().end());
  for (const auto& s : kScenarios) {
    fs::path p = kRunbooks / "scenarios" / (s + ".md");
    INFO(rel(p));
    REQUIRE(fs::exists(p));
    std::string text = test::read_file(p.string());
    auto hs = headings(text);
    REQUIRE(!hs.empty());
    CHECK(hs.front().first == 1);
    int routes = 0;
    for (const auto& c : linked_classes(text)) routes += known.count(c) ? 1 : 0;
    CHECK(routes >= 2);
  }
}

TEST_CASE("runbooks: every relative link resolves to a file, and to a heading when it names one", "[runbooks]") {
  int checked = 0;
  for (const auto& page : all_pages()) {
    std::string text = test::read_file(page.string());
    for (const auto& l : links_of(text)) {
      const std::string& t = l.target;
      if (t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0 || t.rfind("mailto:", 0) == 0) continue;
      INFO(rel(page) << ":" << l.line << ": link " << t);
      size_t hash = t.find('#');
      std::string file = t.substr(0, hash);
      std::string anchor = hash == std::string::npos ? "" : t.substr(hash + 1);
      fs::path target = file.empty() ? page : (page.parent_path() / file).lexically_normal();
      CHECK(fs::exists(target));
      if (!anchor.empty() && fs::exists(target)) {
        std::set<std::string> anchors;
        for (const auto& h : headings(test::read_file(target.string()))) anchors.insert(slug(h.second));
        CHECK(anchors.count(anchor) == 1);
      }
      ++checked;
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("runbooks: class pages link the causes and symptoms of the explains-graph", "[runbooks]") {
  const auto& cat = test::builtin_catalog();
  for (const auto& c : cat.classes) {
    std::string text = test::read_file((kRunbooks / (c.runbook + ".md")).string());
    auto linked = linked_classes(text);
    for (const auto& symptom : c.explains) {
      INFO("runbooks/" << c.runbook << ".md should link its symptom " << symptom);
      CHECK(std::find(linked.begin(), linked.end(), symptom) != linked.end());
      // ... and the symptom's page links back to this cause.
      std::string back = test::read_file((kRunbooks / (symptom + ".md")).string());
      auto back_links = linked_classes(back);
      INFO("runbooks/" << symptom << ".md should link its cause " << c.id);
      CHECK(std::find(back_links.begin(), back_links.end(), c.id) != back_links.end());
    }
  }
}

TEST_CASE("runbooks: the key scanner tells configuration keys from other text", "[runbooks]") {
  auto uses = key_uses(
      "Set spark.executor.memory. See https://spark.apache.org/docs and org.apache.spark.sql.x, pyspark.sql, "
      "`--conf spark.kubernetes.driver.label.team=a`, spark.executorEnv.<NAME> and spark.metrics.conf.*.sink.x");
  REQUIRE(uses.size() == 4);
  CHECK(uses[0].key == "spark.executor.memory");
  CHECK(!uses[0].prefix);
  CHECK(uses[1].key == "spark.kubernetes.driver.label.team");
  CHECK(uses[2].key == "spark.executorEnv.");
  CHECK(uses[2].prefix);
  CHECK(uses[3].key == "spark.metrics.conf.");
  KeyList k = load_keys();
  CHECK(is_real_key(k, uses[0]));
  CHECK(is_real_key(k, uses[1]));  // under the prefix spark.kubernetes.driver.label.*
  CHECK(is_real_key(k, uses[2]));
  CHECK(is_real_key(k, uses[3]));
  CHECK(!is_real_key(k, {"spark.executor.memoryOverheadFactr", false}));
  CHECK(!is_real_key(k, {"spark.sql.", true}));
}

TEST_CASE("runbooks: every spark.* configuration key they name is defined in Spark's source", "[runbooks]") {
  KeyList k = load_keys();
  // The list says where it came from, and holds the keys of every module the runbooks use.
  CHECK(k.header_lines >= 5);
  CHECK(k.keys.size() > 1500);
  CHECK(k.keys.count("spark.kubernetes.memoryOverheadFactor") == 1);
  CHECK(k.keys.count("spark.sql.adaptive.skewJoin.enabled") == 1);
  CHECK(k.keys.count("spark.connect.grpc.binding.port") == 1);
  CHECK(k.keys.count("spark.shuffle.io.maxRetries") == 1);
  int named = 0;
  for (const auto& page : all_pages()) {
    for (const auto& l : lines_of(test::read_file(page.string()))) {
      for (const auto& u : key_uses(l.text)) {
        INFO(rel(page) << ":" << l.number << ": " << u.key << (u.prefix ? "<...>" : ""));
        CHECK(is_real_key(k, u));
        CHECK(k.deprecated.count(u.key) == 0);
        ++named;
      }
    }
  }
  CHECK(named > 100);
}

namespace {

// SparkApplication fields written as `spec.executor.memoryOverhead` (a leading dot, as in
// `{.spec.containers}`, marks a jsonpath into some other Kubernetes object and is not checked;
// "the job spec." ending a sentence names no field).
std::vector<std::string> operator_fields(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = text.find("spec."); i != std::string::npos; i = text.find("spec.", i + 1)) {
    if (i > 0 && (key_char(text[i - 1]) || text[i - 1] == '/' || text[i - 1] == '{')) continue;
    size_t j = i;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    std::string path = text.substr(i, j - i);
    while (!path.empty() && path.back() == '.') path.pop_back();
    if (path.size() > 5) out.push_back(path);
  }
  return out;
}

}  // namespace

TEST_CASE("runbooks: every SparkApplication field they name exists in the Spark Operator's API", "[runbooks]") {
  std::set<std::string> fields;
  std::istringstream in(test::read_file(test::data_path("spark-operator-fields.txt")));
  for (std::string s; std::getline(in, s);)
    if (!s.empty() && s[0] != '#') fields.insert(s.substr(0, s.find('\t')));
  REQUIRE(fields.count("spec.executor.memoryOverhead") == 1);
  CHECK(operator_fields("`spec.driver.memory`, {.spec.volumes}, x.spec.y") == std::vector<std::string>{"spec.driver.memory"});
  int named = 0;
  for (const auto& page : all_pages()) {
    for (const auto& l : lines_of(test::read_file(page.string()))) {
      for (const auto& f : operator_fields(l.text)) {
        INFO(rel(page) << ":" << l.number << ": " << f);
        CHECK(fields.count(f) == 1);
        ++named;
      }
    }
  }
  CHECK(named > 50);
}

TEST_CASE("runbooks: every sqlite3 query they show prepares read-only against the index schema", "[runbooks]") {
  auto w = index::IndexWriter::create(":memory:");
  REQUIRE(w.ok());
  sql::Db& db = (*w)->db();
  REQUIRE(db.exec(embedded::index_analysis_schema_sql).ok());
  REQUIRE(diagnose::register_sql_functions(db).ok());
  int queries = 0;
  for (const auto& page : all_pages()) {
    for (const auto& l : lines_of(test::read_file(page.string()))) {
      // sqlite3 FILE "SQL" on one line (the runbooks keep queries on one line for copy-paste).
      size_t at = l.text.find("sqlite3 ");
      if (at == std::string::npos) continue;
      size_t open = l.text.find('"', at);
      if (open == std::string::npos) continue;
      size_t close = l.text.find('"', open + 1);
      INFO(rel(page) << ":" << l.number << ": " << l.text);
      REQUIRE(close != std::string::npos);
      std::string q = l.text.substr(open + 1, close - open - 1);
      // Placeholders such as <stage-id> stand for a value the reader fills in.
      for (size_t lt = q.find('<'); lt != std::string::npos; lt = q.find('<', lt + 1)) {
        size_t end = lt + 1;
        while (end < q.size() && (std::islower(static_cast<unsigned char>(q[end])) || q[end] == '-')) ++end;
        if (end > lt + 1 && end < q.size() && q[end] == '>') q.replace(lt, end - lt + 1, "0");
      }
      sqlite3_stmt* raw = nullptr;
      int rc = sqlite3_prepare_v2(db.raw(), q.c_str(), -1, &raw, nullptr);
      sql::Stmt st(raw);
      INFO(sqlite3_errmsg(db.raw()));
      CHECK(rc == SQLITE_OK);
      if (rc == SQLITE_OK) CHECK(sqlite3_stmt_readonly(raw) != 0);
      ++queries;
    }
  }
  CHECK(queries >= 20);
}
