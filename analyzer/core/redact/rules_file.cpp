// --redact-rules FILE: one PCRE2 regex per line (docs/collector.md, "Redaction").
#include "bundle/entry_path.h"
#include "io/byte_source.h"
#include "redact/redactor.h"

namespace sm::redact {
namespace {
// A rules file is a handful of lines; anything this large is not one.
constexpr uint64_t kMaxRulesFileBytes = uint64_t{1} << 20;
}  // namespace

Result<std::vector<UserRule>> load_rules_file(const std::string& path) {
  auto in = io::open_file(path);
  if (!in.ok()) return in.take_error();
  auto text = io::read_all(**in, kMaxRulesFileBytes);
  if (!text.ok()) return text.take_error();
  const std::string base(bundle::base_name(path));
  std::vector<UserRule> rules;
  size_t line_no = 0, pos = 0;
  const std::string& t = text.value();
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    std::string line = t.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    UserRule r{line, "custom:" + base + ":" + std::to_string(line_no)};
    // Compile now so the error names the file and line.
    auto probe = Redactor::create(RedactorOptions{{r}, {}});
    if (!probe.ok()) return Error::bad_input(path + ":" + std::to_string(line_no) + ": " + probe.error().message.substr(r.name.size() + 2));
    rules.push_back(std::move(r));
  }
  return rules;
}

}  // namespace sm::redact
