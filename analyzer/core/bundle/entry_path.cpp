#include "bundle/entry_path.h"

#include <algorithm>
#include <cstdio>

namespace sm::bundle {
namespace {

// Names longer than this are shortened in messages; the full name stays in ReadIssue::path.
constexpr size_t kMaxShownName = 300;

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

Result<std::string> normalize_entry_path(std::string_view raw) {
  if (raw.empty()) return Error::bad_input("empty entry name");
  if (raw.find('\0') != std::string_view::npos) return Error::bad_input("entry name contains a NUL byte");
  std::string s(raw);
  for (char& c : s)
    if (c == '\\') c = '/';
  if (s.front() == '/') return Error::bad_input("absolute path");
  if (s.size() >= 2 && is_ascii_letter(s[0]) && s[1] == ':') return Error::bad_input("absolute path (drive letter)");
  std::string out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t slash = s.find('/', pos);
    if (slash == std::string::npos) slash = s.size();
    std::string_view comp(s.data() + pos, slash - pos);
    pos = slash + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") return Error::bad_input("path has a '..' component");
    if (!out.empty()) out.push_back('/');
    out.append(comp);
  }
  if (out.empty()) return Error::bad_input("entry name has no file component");
  return out;
}

bool is_normalized_entry_path(std::string_view path) {
  auto r = normalize_entry_path(path);
  return r.ok() && *r == path;
}

bool path_less(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    // '/' ends a component, so it must sort before any byte that continues one.
    if (a[i] == '/') return true;
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string printable(std::string_view raw) {
  std::string out;
  auto append_escaped = [&out](std::string_view part) {
    for (char ch : part) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
        out += buf;
      } else {
        out.push_back(ch);
      }
    }
  };
  if (raw.size() <= kMaxShownName) {
    append_escaped(raw);
  } else {
    append_escaped(raw.substr(0, kMaxShownName / 2));
    out += "...";
    append_escaped(raw.substr(raw.size() - kMaxShownName / 2));
  }
  return out;
}

}  // namespace sm::bundle
