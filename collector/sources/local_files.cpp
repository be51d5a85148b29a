#include "sources/local_files.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bundle/entry_path.h"

namespace sm::collect {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRollingPrefix = "eventlog_v2_";
constexpr std::string_view kLegacyPartPrefix = "EVENT_LOG_";
constexpr std::string_view kDatabricksCurrent = "eventlog";
constexpr std::string_view kEventLogTop = "eventlogs";
// Log directories are walked to this depth at most (log4j rolling dirs are one or two deep).
constexpr int kMaxLogDirDepth = 8;

enum class DirKind { rolling, legacy, databricks, collection };

// glob(3) results, freed with globfree whatever happens.
class GlobResult {
 public:
  explicit GlobResult(const std::string& pattern) { ok_ = ::glob(pattern.c_str(), 0, nullptr, &g_) == 0; }
  GlobResult(const GlobResult&) = delete;
  GlobResult& operator=(const GlobResult&) = delete;
  ~GlobResult() { ::globfree(&g_); }
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    if (ok_)
      for (size_t i = 0; i < g_.gl_pathc; ++i) out.emplace_back(g_.gl_pathv[i]);
    return out;  // glob sorts its matches
  }

 private:
  glob_t g_{};
  bool ok_ = false;
};

// Paths a spec names: itself, or its glob matches. `is_pattern` tells which.
std::vector<std::string> expand(const std::string& spec, bool& is_pattern) {
  is_pattern = is_glob(spec);
  if (!is_pattern) return {spec};
  return GlobResult(spec).paths();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool hidden(std::string_view name) { return !name.empty() && name.front() == '.'; }

std::vector<std::string> sorted_children(const std::string& dir, std::string* error) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  if (ec && error != nullptr) *error = dir + ": cannot list: " + ec.message();
  std::sort(names.begin(), names.end());
  return names;
}

DirKind classify(const std::string& dir) {
  const std::string name(bundle::base_name(fs::path(dir).lexically_normal().string()));
  if (starts_with(lower(name), kRollingPrefix)) return DirKind::rolling;
  bool databricks = false;
  for (const auto& child : sorted_children(dir, nullptr)) {
    if (starts_with(child, kLegacyPartPrefix)) return DirKind::legacy;
    if (child == kDatabricksCurrent) databricks = true;
  }
  return databricks ? DirKind::databricks : DirKind::collection;
}

std::string dir_name(const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return std::string(bundle::base_name(p));
}

// Copies the regular files directly inside one event log's directory.
void add_log_dir(const std::string& dir, PlannedSource& src) {
  std::string err;
  const auto children = sorted_children(dir, &err);
  if (!err.empty()) {
    src.errors.push_back(err);
    return;
  }
  const std::string root = src.claim_root(std::string(kEventLogTop), dir_name(dir));
  for (const auto& child : children) {
    if (hidden(child)) continue;  // Hadoop's .crc checksum files
    const std::string full = dir + "/" + child;
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    src.add_file(full, root + "/" + child, static_cast<uint64_t>(st.st_size));
  }
}

void add_log_file(const std::string& path, uint64_t size, PlannedSource& src) {
  const std::string root = src.claim_root(std::string(kEventLogTop), std::string(bundle::base_name(path)));
  src.add_file(path, root, size);
}

bool wanted_by_filters(const std::string& name, DirKind kind, const Options& o) {
  for (const auto& id : o.app_ids)
    if (eventlog_name_matches(name, id)) return true;
  if (kind == DirKind::legacy && o.app_name && legacy_dir_matches_app_name(name, *o.app_name)) return true;
  return false;
}

bool has_filters(const Options& o) { return !o.app_ids.empty() || o.app_name.has_value(); }

// One directory of many applications' logs.
void select_from_collection(const std::string& dir, const Options& o, PlannedSource& src) {
  std::string err;
  const auto children = sorted_children(dir, &err);
  if (!err.empty()) {
    src.errors.push_back(err);
    return;
  }
  size_t before = src.files.size();
  for (const auto& child : children) {
    if (hidden(child) || child.ends_with(".crc")) continue;
    const std::string full = dir + "/" + child;
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode)) {
      if (!has_filters(o) || wanted_by_filters(child, DirKind::collection, o))
        add_log_file(full, static_cast<uint64_t>(st.st_size), src);
    } else if (S_ISDIR(st.st_mode)) {
      const DirKind kind = classify(full);
      if (kind == DirKind::collection) continue;  // not an event log; we do not search deeper
      if (!has_filters(o) || wanted_by_filters(child, kind, o)) add_log_dir(full, src);
    }
  }
  if (src.files.size() == before) {
    if (o.app_ids.empty() && o.app_name)
      src.notes.push_back(dir + ": no event log for application name \"" + *o.app_name +
                          "\" (Spark names event logs by application id: give --app-id)");
    else if (has_filters(o))
      src.notes.push_back(dir + ": no event log matches the requested application ids");
    else
      src.notes.push_back(dir + ": no event logs in this directory");
  }
}

void select_event_log_path(const std::string& path, bool from_glob, const Options& o, PlannedSource& src) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    src.errors.push_back(path + ": " + std::strerror(errno));
    return;
  }
  const std::string name = dir_name(path);
  if (S_ISREG(st.st_mode)) {
    // Named explicitly: taken as it is. From a glob: filtered like a directory listing.
    if (!from_glob || !has_filters(o) || wanted_by_filters(name, DirKind::collection, o))
      add_log_file(path, static_cast<uint64_t>(st.st_size), src);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    src.errors.push_back(path + ": not a regular file or directory");
    return;
  }
  const DirKind kind = classify(path);
  if (kind == DirKind::collection) return select_from_collection(path, o, src);
  if (!from_glob || !has_filters(o) || wanted_by_filters(name, kind, o)) add_log_dir(path, src);
}

void walk_logs(const std::string& dir, const std::string& bundle_root, int depth, const Options& o,
               PlannedSource& src) {
  if (depth > kMaxLogDirDepth) {
    src.notes.push_back(dir + ": deeper than " + std::to_string(kMaxLogDirDepth) + " levels; not searched");
    return;
  }
  std::string err;
  const auto children = sorted_children(dir, &err);
  if (!err.empty()) src.errors.push_back(err);
  for (const auto& child : children) {
    if (hidden(child)) continue;
    const std::string full = dir + "/" + child;
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      walk_logs(full, bundle_root + "/" + child, depth + 1, o, src);
    } else if (S_ISREG(st.st_mode)) {
      if (o.since && st.st_mtim.tv_sec < *o.since) continue;  // cannot hold lines from the window
      src.add_file(full, bundle_root + "/" + child, static_cast<uint64_t>(st.st_size));
    }
  }
}

}  // namespace

std::string spark_sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' || c == ':' || c == '/') out.push_back('-');
    else if (c == '.' || c == '$' || c == '{' || c == '}' || c == '\'' || c == '"') out.push_back('_');
    else out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool eventlog_name_matches(std::string_view name, std::string_view app_id) {
  const std::string want = spark_sanitize(app_id);
  std::string n = lower(name);
  if (starts_with(n, kRollingPrefix)) n.erase(0, kRollingPrefix.size());
  if (want.empty() || !starts_with(n, want)) return false;
  if (n.size() == want.size()) return true;
  // What may follow the id: "_<attempt>", ".<codec>", ".inprogress" (in that order).
  const char next = n[want.size()];
  return next == '_' || next == '.';
}

bool legacy_dir_matches_app_name(std::string_view name, std::string_view app_name) {
  const std::string want = spark_sanitize(app_name) + "-";
  const std::string n = lower(name);
  if (!starts_with(n, want) || n.size() == want.size()) return false;
  return std::all_of(n.begin() + static_cast<std::ptrdiff_t>(want.size()), n.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool is_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

void select_event_logs(const std::string& spec, const Options& options, PlannedSource& source) {
  bool pattern = false;
  const auto paths = expand(spec, pattern);
  if (pattern && paths.empty()) {
    source.notes.push_back(spec + ": matches nothing");
    return;
  }
  const size_t before = source.files.size();
  for (const auto& p : paths) select_event_log_path(p, pattern, options, source);
  if (pattern && source.files.size() == before && source.errors.empty())
    source.notes.push_back(spec + ": no match is an event log of the requested applications");
}

void select_logs(const std::string& spec, const std::string& bundle_dir, const Options& options,
                 PlannedSource& source) {
  bool pattern = false;
  const auto paths = expand(spec, pattern);
  if (pattern && paths.empty()) {
    source.notes.push_back(spec + ": matches nothing");
    return;
  }
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      source.errors.push_back(p + ": " + std::strerror(errno));
      continue;
    }
    const std::string name = dir_name(p);
    if (S_ISREG(st.st_mode)) {
      if (pattern && options.since && st.st_mtim.tv_sec < *options.since) {
        source.notes.push_back(p + ": last modified before --since; left out");
        continue;
      }
      source.add_file(p, source.claim_root(bundle_dir, name), static_cast<uint64_t>(st.st_size));
    } else if (S_ISDIR(st.st_mode)) {
      const size_t before = source.files.size();
      walk_logs(p, source.claim_root(bundle_dir, name), 0, options, source);
      if (source.files.size() == before) source.notes.push_back(p + ": no log files (after the --since filter)");
    } else {
      source.errors.push_back(p + ": not a regular file or directory");
    }
  }
}

}  // namespace sm::collect
