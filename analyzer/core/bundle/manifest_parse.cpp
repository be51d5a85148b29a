// parse_manifest: reads manifest.json with simdjson's DOM API (a manifest is small and read
// once) and validates it field by field so a broken bundle is reported as
// "where: files[3].sha256: expected a string", not as a crash or a silent default.
#include <simdjson.h>

#include <set>

#include "bundle/entry_path.h"
#include "bundle/manifest.h"
#include "util/sha256.h"

namespace sm::bundle {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Builds one-line errors: "<where>: <path>: <what>".
class Ctx {
 public:
  explicit Ctx(std::string_view where) : where_(where) {}
  Error bad(std::string_view path, std::string_view what) const {
    return Error::bad_input(where_ + ": " + std::string(path) + ": " + std::string(what));
  }

 private:
  std::string where_;
};

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

std::string index(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

// Field access on one JSON object, with the object's path for messages.
class Fields {
 public:
  Fields(const Ctx& ctx, object obj, std::string path) : ctx_(ctx), obj_(obj), path_(std::move(path)) {}

  // Absent and JSON null both mean "not given".
  bool present(std::string_view key) const {
    auto r = obj_.at_key(key);
    return r.error() == simdjson::SUCCESS && !r.value_unsafe().is_null();
  }
  std::optional<element> get(std::string_view key) const {
    auto r = obj_.at_key(key);
    if (r.error() != simdjson::SUCCESS || r.value_unsafe().is_null()) return std::nullopt;
    return r.value_unsafe();
  }
  std::string at(std::string_view key) const { return join(path_, key); }

  Status str(std::string_view key, std::string& out) const {
    auto e = get(key);
    if (!e) return ctx_.bad(at(key), "missing");
    return as_string(*e, at(key), out);
  }
  Status opt_str(std::string_view key, std::optional<std::string>& out) const {
    auto e = get(key);
    if (!e) {
      out.reset();
      return ok_status();
    }
    std::string v;
    SM_TRY(as_string(*e, at(key), v));
    out = std::move(v);
    return ok_status();
  }
  Status u64(std::string_view key, uint64_t& out, bool required) const {
    auto e = get(key);
    if (!e) return required ? Status(ctx_.bad(at(key), "missing")) : ok_status();
    return as_u64(*e, at(key), out);
  }
  Status opt_u64(std::string_view key, std::optional<uint64_t>& out) const {
    auto e = get(key);
    if (!e) {
      out.reset();
      return ok_status();
    }
    uint64_t v = 0;
    SM_TRY(as_u64(*e, at(key), v));
    out = v;
    return ok_status();
  }
  Status boolean(std::string_view key, bool& out) const {
    auto e = get(key);
    if (!e) return ok_status();  // every boolean in v1 defaults to false
    auto b = e->get_bool();
    if (b.error()) return ctx_.bad(at(key), "expected true or false");
    out = b.value_unsafe();
    return ok_status();
  }
  Status str_array(std::string_view key, std::vector<std::string>& out) const {
    auto e = get(key);
    if (!e) return ok_status();
    auto arr = e->get_array();
    if (arr.error()) return ctx_.bad(at(key), "expected an array of strings");
    size_t i = 0;
    for (element item : arr.value_unsafe()) {
      std::string v;
      SM_TRY(as_string(item, index(at(key), i), v));
      out.push_back(std::move(v));
      ++i;
    }
    return ok_status();
  }
  Status time(std::string_view key, std::optional<std::string>& out) const {
    SM_TRY(opt_str(key, out));
    if (out && !is_rfc3339(*out)) return ctx_.bad(at(key), "expected an RFC 3339 time, got \"" + printable(*out) + "\"");
    return ok_status();
  }

 private:
  Status as_string(element e, const std::string& path, std::string& out) const {
    auto s = e.get_string();
    if (s.error()) return ctx_.bad(path, "expected a string");
    out = std::string(s.value_unsafe());
    return ok_status();
  }
  Status as_u64(element e, const std::string& path, uint64_t& out) const {
    auto v = e.get_uint64();
    if (v.error()) return ctx_.bad(path, "expected a non-negative integer");
    out = v.value_unsafe();
    return ok_status();
  }

  const Ctx& ctx_;
  object obj_;
  std::string path_;
};

Result<Fields> object_at(const Ctx& ctx, const Fields& parent, std::string_view key) {
  auto e = parent.get(key);
  if (!e) return ctx.bad(parent.at(key), "missing");
  auto o = e->get_object();
  if (o.error()) return ctx.bad(parent.at(key), "expected an object");
  return Fields(ctx, o.value_unsafe(), parent.at(key));
}

// "sparkmedic.bundle/v<major>[.<minor>]": minors only add fields, a new major changes meaning.
Status check_schema(const Ctx& ctx, const std::string& schema) {
  std::string_view s = schema;
  const std::string expected = "expected \"" + std::string(kSchemaV1) + "\", got \"" + printable(schema) + "\"";
  if (s.substr(0, kSchemaPrefix.size()) != kSchemaPrefix) return ctx.bad("schema", expected);
  s.remove_prefix(kSchemaPrefix.size());
  uint64_t major = 0;
  size_t i = 0;
  constexpr uint64_t kMaxMajor = 1000000;  // stops overflow on absurd version numbers
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && major < kMaxMajor) major = major * 10 + static_cast<uint64_t>(s[i++] - '0');
  if (i == 0) return ctx.bad("schema", expected);
  std::string_view rest = s.substr(i);
  if (!rest.empty()) {
    bool minor_ok = rest.size() > 1 && rest[0] == '.';
    for (size_t k = 1; minor_ok && k < rest.size(); ++k) minor_ok = rest[k] >= '0' && rest[k] <= '9';
    if (!minor_ok) return ctx.bad("schema", expected);
  }
  if (major > kSchemaMajor) {
    Error e = ctx.bad("schema", "\"" + printable(schema) + "\" is a newer major version than this sparkmedic reads (v" +
                                    std::to_string(kSchemaMajor) + "); use a newer sparkmedic-analyze");
    e.kind = ErrorKind::unsupported;
    return e;
  }
  if (major < kSchemaMajor) return ctx.bad("schema", expected);
  return ok_status();
}

Result<SourceRecord> parse_source(const Ctx& ctx, const Fields& f) {
  SourceRecord s;
  SM_TRY(f.str("name", s.name));
  if (s.name.empty()) return ctx.bad(f.at("name"), "must not be empty");
  SM_TRY(f.str("kind", s.kind));
  std::string status;
  SM_TRY(f.str("status", status));
  if (status == "collected") s.status = SourceStatus::collected;
  else if (status == "skipped") s.status = SourceStatus::skipped;
  else if (status == "failed") s.status = SourceStatus::failed;
  else return ctx.bad(f.at("status"), "expected collected, skipped or failed, got \"" + printable(status) + "\"");
  SM_TRY(f.opt_str("reason", s.reason));
  SM_TRY(f.opt_str("error", s.error));
  if (s.status == SourceStatus::skipped && (!s.reason || s.reason->empty()))
    return ctx.bad(f.at("reason"), "required when status is skipped");
  if (s.status == SourceStatus::failed && (!s.error || s.error->empty()))
    return ctx.bad(f.at("error"), "required when status is failed");
  SM_TRY(f.time("started_at", s.started_at));
  SM_TRY(f.u64("duration_ms", s.duration_ms, false));
  SM_TRY(f.u64("files", s.files, false));
  SM_TRY(f.u64("bytes", s.bytes, false));
  SM_TRY(f.opt_u64("cap_bytes", s.cap_bytes));
  SM_TRY(f.boolean("truncated", s.truncated));
  SM_TRY(f.str_array("notes", s.notes));
  return s;
}

Result<FileRecord> parse_file(const Ctx& ctx, const Fields& f) {
  FileRecord r;
  SM_TRY(f.str("path", r.path));
  if (!is_normalized_entry_path(r.path))
    return ctx.bad(f.at("path"), "not a normalized relative path: \"" + printable(r.path) + "\"");
  if (r.path == kManifestFileName) return ctx.bad(f.at("path"), "the manifest does not list itself");
  SM_TRY(f.str("source", r.source));
  SM_TRY(f.u64("size", r.size, true));
  SM_TRY(f.str("sha256", r.sha256));
  if (!is_sha256_hex(r.sha256)) return ctx.bad(f.at("sha256"), "expected 64 lowercase hex digits");
  SM_TRY(f.boolean("truncated", r.truncated));
  SM_TRY(f.opt_u64("original_size", r.original_size));
  if (r.original_size && *r.original_size < r.size)
    return ctx.bad(f.at("original_size"), "smaller than size");
  {
    std::optional<std::string> ct;
    SM_TRY(f.opt_str("content_type", ct));
    r.content_type = ct.value_or("");
  }
  SM_TRY(f.opt_str("origin", r.origin));
  SM_TRY(f.u64("redactions", r.redactions, false));
  return r;
}

template <typename T, typename ParseOne>
Status parse_array(const Ctx& ctx, const Fields& root, std::string_view key, std::vector<T>& out, ParseOne parse_one) {
  auto e = root.get(key);
  if (!e) return ctx.bad(key, "missing");
  auto arr = e->get_array();
  if (arr.error()) return ctx.bad(key, "expected an array");
  size_t i = 0;
  for (element item : arr.value_unsafe()) {
    auto o = item.get_object();
    if (o.error()) return ctx.bad(index(key, i), "expected an object");
    auto parsed = parse_one(Fields(ctx, o.value_unsafe(), index(key, i)));
    if (!parsed.ok()) return parsed.take_error();
    out.push_back(std::move(parsed.value()));
    ++i;
  }
  return ok_status();
}

Status parse_optional_sections(const Ctx& ctx, const Fields& root, Manifest& m) {
  SM_TRY(root.str_array("command_line", m.command_line));
  if (root.present("window")) {
    auto w = object_at(ctx, root, "window");
    if (!w.ok()) return w.take_error();
    SM_TRY(w->time("start", m.window.start));
    SM_TRY(w->time("end", m.window.end));
  }
  if (root.present("target")) {
    auto t = object_at(ctx, root, "target");
    if (!t.ok()) return t.take_error();
    SM_TRY(t->str_array("application_ids", m.target.application_ids));
    SM_TRY(t->opt_str("application_name", m.target.application_name));
    SM_TRY(t->opt_str("namespace", m.target.namespace_name));
    SM_TRY(t->opt_str("label_selector", m.target.label_selector));
  }
  if (root.present("limits")) {
    auto l = object_at(ctx, root, "limits");
    if (!l.ok()) return l.take_error();
    SM_TRY(l->opt_u64("max_total_bytes", m.limits.max_total_bytes));
    SM_TRY(l->opt_u64("max_source_bytes", m.limits.max_source_bytes));
  }
  if (root.present("redaction")) {
    auto r = object_at(ctx, root, "redaction");
    if (!r.ok()) return r.take_error();
    if (r->present("rules")) {
      SM_TRY(parse_array(ctx, *r, "rules", m.redaction.rules, [&](const Fields& f) -> Result<RedactionCount> {
        RedactionCount c;
        SM_TRY(f.str("rule", c.rule));
        SM_TRY(f.u64("count", c.count, true));
        return c;
      }));
    }
    SM_TRY(r->u64("total", m.redaction.total, false));
    if (r->present("rescan")) {
      auto rs = object_at(ctx, *r, "rescan");
      if (!rs.ok()) return rs.take_error();
      Rescan scan;
      SM_TRY(rs->str("status", scan.status));
      if (scan.status != "clean" && scan.status != "failed")
        return ctx.bad(rs->at("status"), "expected clean or failed, got \"" + printable(scan.status) + "\"");
      SM_TRY(rs->u64("files", scan.files, false));
      SM_TRY(rs->u64("bytes", scan.bytes, false));
      if (rs->present("findings")) {
        SM_TRY(parse_array(ctx, *rs, "findings", scan.findings, [&](const Fields& f) -> Result<RescanFinding> {
          RescanFinding fd;
          SM_TRY(f.str("path", fd.path));
          SM_TRY(f.str("rule", fd.rule));
          SM_TRY(f.u64("count", fd.count, true));
          return fd;
        }));
      }
      SM_TRY(rs->str_array("withheld", scan.withheld));
      m.redaction.rescan = std::move(scan);
    }
  }
  return ok_status();
}

Status check_references(const Ctx& ctx, const Manifest& m) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < m.sources.size(); ++i)
    if (!names.insert(m.sources[i].name).second)
      return ctx.bad(index("sources", i) + ".name", "duplicate source \"" + printable(m.sources[i].name) + "\"");
  std::set<std::string_view> paths;
  for (size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    if (!paths.insert(f.path).second) return ctx.bad(index("files", i) + ".path", "duplicate path \"" + printable(f.path) + "\"");
    if (!names.count(f.source))
      return ctx.bad(index("files", i) + ".source", "\"" + printable(f.source) + "\" is not in sources[]");
  }
  return ok_status();
}

}  // namespace

Result<Manifest> parse_manifest(std::string_view json, std::string_view where) {
  const Ctx ctx(where);
  if (json.size() > kMaxManifestBytes)
    return Error::limit(std::string(where) + ": larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  auto doc = parser.parse(padded);
  if (doc.error()) return Error::bad_input(std::string(where) + ": not valid JSON: " + simdjson::error_message(doc.error()));
  auto root_obj = doc.value_unsafe().get_object();
  if (root_obj.error()) return Error::bad_input(std::string(where) + ": expected a JSON object at the top level");
  const Fields root(ctx, root_obj.value_unsafe(), "");

  Manifest m;
  // The schema first: a newer major version may have changed everything else.
  SM_TRY(root.str("schema", m.schema));
  SM_TRY(check_schema(ctx, m.schema));
  auto collector = object_at(ctx, root, "collector");
  if (!collector.ok()) return collector.take_error();
  SM_TRY(collector->str("name", m.collector.name));
  SM_TRY(collector->str("version", m.collector.version));
  std::optional<std::string> created;
  SM_TRY(root.time("created_at", created));
  if (!created) return ctx.bad("created_at", "missing");
  m.created_at = std::move(*created);
  SM_TRY(parse_optional_sections(ctx, root, m));
  SM_TRY(parse_array(ctx, root, "sources", m.sources, [&](const Fields& f) { return parse_source(ctx, f); }));
  SM_TRY(parse_array(ctx, root, "files", m.files, [&](const Fields& f) { return parse_file(ctx, f); }));
  SM_TRY(check_references(ctx, m));
  return m;
}

}  // namespace sm::bundle
