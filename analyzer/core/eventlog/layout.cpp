#include "eventlog/layout.h"

#include <algorithm>
#include <map>

namespace sm::eventlog {
namespace {

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view parent_dir(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Strips Spark's suffixes (.inprogress, .compact, codec) to get the app id part of a name.
std::string strip_suffixes(std::string_view name) {
  for (bool changed = true; changed;) {
    changed = false;
    for (std::string_view suf : {".inprogress", ".compact", ".lz4", ".lzf", ".snappy", ".zstd", ".zst", ".gz"}) {
      if (ends_with(name, suf)) {
        name.remove_suffix(suf.size());
        changed = true;
      }
    }
  }
  return std::string(name);
}

bool ignorable(std::string_view name) {
  return name.empty() || name[0] == '.' || ends_with(name, ".crc") || starts_with(name, "appstatus_") ||
         name == "manifest.json";
}

}  // namespace

const char* to_string(Layout l) {
  switch (l) {
    case Layout::single: return "single";
    case Layout::rolling: return "rolling";
    case Layout::legacy_dir: return "legacy_dir";
    case Layout::databricks: return "databricks";
  }
  return "single";
}

std::optional<uint64_t> rolling_part_index(std::string_view name) {
  if (!starts_with(name, "events_")) return std::nullopt;
  name.remove_prefix(7);
  uint64_t n = 0;
  size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9' && digits < 18) {
    n = n * 10 + static_cast<uint64_t>(name[digits] - '0');
    ++digits;
  }
  if (digits == 0 || digits >= name.size() || name[digits] != '_') return std::nullopt;
  return n;
}

std::optional<codec::Codec> legacy_codec_from_marker(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("lz4") != std::string::npos) return codec::Codec::lz4;
  if (lower.find("lzf") != std::string::npos) return codec::Codec::lzf;
  if (lower.find("snappy") != std::string::npos) return codec::Codec::snappy;
  if (lower.find("zstd") != std::string::npos) return codec::Codec::zstd;
  return std::nullopt;
}

std::vector<EventLogInput> find_event_logs(std::vector<FileRef> files) {
  std::sort(files.begin(), files.end(), [](const FileRef& a, const FileRef& b) { return a.path < b.path; });
  std::vector<EventLogInput> out;
  // Rolling and legacy directories are recognised by their parent; everything else is single.
  std::map<std::string, std::vector<FileRef*>> rolling, legacy;
  std::map<std::string, bool> legacy_dirs;  // dirs that contain an EVENT_LOG_ file
  std::map<std::string, std::vector<FileRef*>> databricks;  // dirs that contain "eventlog"
  for (auto& f : files) {
    if (starts_with(base_name(f.path), "EVENT_LOG_")) legacy_dirs[std::string(parent_dir(f.path))] = true;
    if (base_name(f.path) == "eventlog") databricks[std::string(parent_dir(f.path))];
  }

  for (auto& f : files) {
    std::string_view name = base_name(f.path);
    std::string dir(parent_dir(f.path));
    if (starts_with(base_name(dir), "eventlog_v2_")) {
      rolling[dir].push_back(&f);
    } else if (legacy_dirs.count(dir)) {
      legacy[dir].push_back(&f);
    } else if (databricks.count(dir) && (name == "eventlog" || starts_with(name, "eventlog-"))) {
      databricks[dir].push_back(&f);
    } else if (!ignorable(name)) {
      EventLogInput in;
      in.display_name = f.display_name.empty() ? f.path : f.display_name;
      in.layout = Layout::single;
      in.in_progress = ends_with(name, ".inprogress");
      in.app_hint = strip_suffixes(name);
      in.parts.push_back(f);
      out.push_back(std::move(in));
    }
  }

  for (auto& [dir, parts] : rolling) {
    EventLogInput in;
    in.display_name = dir;
    in.layout = Layout::rolling;
    in.app_hint = std::string(base_name(dir).substr(12));  // after "eventlog_v2_"
    struct Indexed {
      uint64_t index;
      bool compact;
      FileRef* file;
    };
    std::vector<Indexed> events;
    for (FileRef* f : parts) {
      std::string_view name = base_name(f->path);
      if (starts_with(name, "appstatus_")) {
        in.in_progress = ends_with(name, ".inprogress");
        continue;
      }
      auto idx = rolling_part_index(name);
      if (!idx) {
        if (!ignorable(name)) in.notes.push_back("ignored " + f->path + ": not an events_<N>_<appId> part");
        continue;
      }
      events.push_back({*idx, ends_with(name, ".compact"), f});
    }
    std::sort(events.begin(), events.end(), [](const Indexed& a, const Indexed& b) {
      return a.index != b.index ? a.index < b.index : a.compact > b.compact;
    });
    // As RollingEventLogFilesFileReader: the last compact file, then the parts after it.
    std::optional<uint64_t> compact_index;
    for (const auto& e : events)
      if (e.compact) compact_index = e.index;
    for (const auto& e : events) {
      bool include = true;
      if (compact_index) {
        include = e.compact ? e.index == *compact_index : e.index > *compact_index;
        if (include && e.compact) in.compacted = true;
      } else if (e.compact) {
        include = false;
      }
      if (include) in.parts.push_back(*e.file);
    }
    // Gaps in the numbering mean lost parts (a cap, a partial copy): say so.
    for (size_t i = 1; i < in.parts.size(); ++i) {
      auto a = rolling_part_index(base_name(in.parts[i - 1].path));
      auto b = rolling_part_index(base_name(in.parts[i].path));
      if (a && b && *b != *a + 1)
        in.notes.push_back("rolling parts " + std::to_string(*a + 1) + ".." + std::to_string(*b - 1) + " are missing");
    }
    if (!in.parts.empty()) out.push_back(std::move(in));
  }

  for (auto& [dir, parts] : legacy) {
    EventLogInput in;
    in.display_name = dir.empty() ? "." : dir;
    in.layout = Layout::legacy_dir;
    in.app_hint = std::string(base_name(dir));
    in.in_progress = true;
    std::vector<std::pair<uint64_t, FileRef*>> logs;
    for (FileRef* f : parts) {
      std::string_view name = base_name(f->path);
      if (name == "APPLICATION_COMPLETE") in.in_progress = false;
      else if (starts_with(name, "COMPRESSION_CODEC_")) in.codec_override = legacy_codec_from_marker(name.substr(18));
      else if (starts_with(name, "EVENT_LOG_")) {
        uint64_t n = 0;
        for (char c : name.substr(10)) {
          if (c < '0' || c > '9') break;
          n = n * 10 + static_cast<uint64_t>(c - '0');
        }
        logs.emplace_back(n, f);
      }
    }
    std::sort(logs.begin(), logs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [n, f] : logs) in.parts.push_back(*f);
    if (!in.parts.empty()) out.push_back(std::move(in));
  }
  for (auto& [dir, parts] : databricks) {
    EventLogInput in;
    in.display_name = dir.empty() ? "." : dir;
    in.layout = Layout::databricks;
    in.app_hint = std::string(base_name(dir));
    // Rotated parts carry their time in the name, so name order is time order; the live
    // "eventlog" file holds the newest events and comes last.
    std::sort(parts.begin(), parts.end(), [](const FileRef* a, const FileRef* b) {
      bool a_live = base_name(a->path) == "eventlog", b_live = base_name(b->path) == "eventlog";
      if (a_live != b_live) return b_live;
      return a->path < b->path;
    });
    for (FileRef* f : parts) in.parts.push_back(*f);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace sm::eventlog
