// Manifest model: writing (to_json) and small helpers. Parsing is in manifest_parse.cpp.
#include "bundle/manifest.h"

#include "util/json_writer.h"

namespace sm::bundle {
namespace {

bool digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number_at(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

void write_optional_u64(JsonWriter& w, std::string_view key, const std::optional<uint64_t>& v) {
  w.key(key);
  if (v) w.value(*v);
  else w.null();
}

void write_source(JsonWriter& w, const SourceRecord& s) {
  w.begin_object();
  w.field("name", s.name);
  w.field("kind", s.kind);
  w.field("status", to_string(s.status));
  if (s.reason) w.field("reason", *s.reason);
  if (s.error) w.field("error", *s.error);
  w.field("started_at", s.started_at);
  w.field("duration_ms", s.duration_ms);
  w.field("files", s.files);
  w.field("bytes", s.bytes);
  write_optional_u64(w, "cap_bytes", s.cap_bytes);
  w.field("truncated", s.truncated);
  if (!s.notes.empty()) {
    w.key("notes").begin_array();
    for (const auto& n : s.notes) w.value(n);
    w.end_array();
  }
  w.end_object();
}

void write_file(JsonWriter& w, const FileRecord& f) {
  w.begin_object();
  w.field("path", f.path);
  w.field("source", f.source);
  w.field("size", f.size);
  w.field("sha256", f.sha256);
  w.field("truncated", f.truncated);
  if (f.original_size) w.field("original_size", *f.original_size);
  w.field("content_type", f.content_type);
  w.field("origin", f.origin);
  if (f.redactions > 0) w.field("redactions", f.redactions);
  w.end_object();
}

}  // namespace

std::string_view to_string(SourceStatus s) {
  switch (s) {
    case SourceStatus::collected: return "collected";
    case SourceStatus::skipped: return "skipped";
    case SourceStatus::failed: return "failed";
  }
  return "failed";
}

const FileRecord* Manifest::find_file(std::string_view path) const {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

const SourceRecord* Manifest::find_source(std::string_view name) const {
  for (const auto& s : sources)
    if (s.name == name) return &s;
  return nullptr;
}

std::string to_json(const Manifest& m) {
  JsonWriter w(/*pretty=*/true);
  w.begin_object();
  w.field("schema", m.schema);
  w.key("collector").begin_object();
  w.field("name", m.collector.name);
  w.field("version", m.collector.version);
  w.end_object();
  w.field("created_at", m.created_at);
  w.key("command_line").begin_array();
  for (const auto& a : m.command_line) w.value(a);
  w.end_array();
  w.key("window").begin_object();
  w.field("start", m.window.start);
  w.field("end", m.window.end);
  w.end_object();
  w.key("target").begin_object();
  w.key("application_ids").begin_array();
  for (const auto& id : m.target.application_ids) w.value(id);
  w.end_array();
  w.field("application_name", m.target.application_name);
  w.field("namespace", m.target.namespace_name);
  w.field("label_selector", m.target.label_selector);
  w.end_object();
  w.key("limits").begin_object();
  write_optional_u64(w, "max_total_bytes", m.limits.max_total_bytes);
  write_optional_u64(w, "max_source_bytes", m.limits.max_source_bytes);
  w.end_object();
  w.key("sources").begin_array();
  for (const auto& s : m.sources) write_source(w, s);
  w.end_array();
  w.key("files").begin_array();
  for (const auto& f : m.files) write_file(w, f);
  w.end_array();
  w.key("redaction").begin_object();
  w.key("rules").begin_array();
  for (const auto& r : m.redaction.rules) {
    w.begin_object();
    w.field("rule", r.rule);
    w.field("count", r.count);
    w.end_object();
  }
  w.end_array();
  w.field("total", m.redaction.total);
  if (m.redaction.rescan) {
    const Rescan& r = *m.redaction.rescan;
    w.key("rescan").begin_object();
    w.field("status", r.status);
    w.field("files", r.files);
    w.field("bytes", r.bytes);
    w.key("findings").begin_array();
    for (const auto& f : r.findings) {
      w.begin_object();
      w.field("path", f.path);
      w.field("rule", f.rule);
      w.field("count", f.count);
      w.end_object();
    }
    w.end_array();
    w.key("withheld").begin_array();
    for (const auto& p : r.withheld) w.value(p);
    w.end_array();
    w.end_object();
  }
  w.end_object();
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

bool is_rfc3339(std::string_view s) {
  // full-date "T" partial-time [time-secfrac] time-offset (RFC 3339 section 5.6).
  if (!digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2))
    return false;
  if (s[10] != 'T' && s[10] != 't') return false;
  if (!digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) return false;
  const int month = number_at(s, 5, 2), day = number_at(s, 8, 2);
  const int hour = number_at(s, 11, 2), minute = number_at(s, 14, 2), second = number_at(s, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  if (pos + 6 != s.size() || !digits(s, pos + 1, 2) || s[pos + 3] != ':' || !digits(s, pos + 4, 2)) return false;
  return number_at(s, pos + 1, 2) <= 23 && number_at(s, pos + 4, 2) <= 59;
}

}  // namespace sm::bundle
