#include "bundle/manifest_builder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bundle/bundle_writer.h"
#include "bundle/entry_path.h"
#include "io/byte_source.h"
#include "util/sha256.h"

namespace sm::bundle {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

Status write_whole_file(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Error::io(path + ": cannot create: " + std::strerror(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      const int err = errno;
      ::close(fd);
      return Error::io(path + ": cannot write: " + std::strerror(err));
    }
    off += static_cast<size_t>(w);
  }
  if (::close(fd) != 0) return Error::io(path + ": cannot write: " + std::strerror(errno));
  return ok_status();
}

}  // namespace

std::string guess_content_type(std::string_view path) {
  const std::string_view name = base_name(path);
  if (starts_with(path, "eventlogs/")) {
    if (starts_with(name, "events_")) return std::string(content_type::kEventLogRollingPart);
    if (starts_with(name, "appstatus_")) return std::string(content_type::kEventLogStatus);
    if (starts_with(name, "EVENT_LOG_")) return std::string(content_type::kEventLogLegacyPart);
    // Spark 1.x directory markers: SPARK_VERSION_1.6.1, COMPRESSION_CODEC_lz4, APPLICATION_COMPLETE.
    if (starts_with(name, "SPARK_VERSION_") || starts_with(name, "COMPRESSION_CODEC_") ||
        name == "APPLICATION_COMPLETE")
      return std::string(content_type::kEventLogStatus);
    return std::string(content_type::kEventLog);
  }
  if (starts_with(path, "logs/")) return std::string(content_type::kLog);
  if (ends_with(name, ".json")) return std::string(content_type::kJson);
  if (ends_with(name, ".log") || ends_with(name, ".txt") || ends_with(name, ".out") || ends_with(name, ".err"))
    return std::string(content_type::kLog);
  return std::string(content_type::kBinary);
}

void ManifestBuilder::add_source(SourceRecord record, std::vector<std::string> dirs) {
  for (auto& d : dirs) {
    while (!d.empty() && d.back() == '/') d.pop_back();
    source_dirs_.emplace_back(d + "/", record.name);
  }
  manifest_.sources.push_back(std::move(record));
}

SourceRecord* ManifestBuilder::source(std::string_view name) {
  for (auto& s : manifest_.sources)
    if (s.name == name) return &s;
  return nullptr;
}

void ManifestBuilder::note_file(const std::string& path, FileNote note) { notes_[path] = std::move(note); }

const SourceRecord* ManifestBuilder::owner_of(const std::string& path, const FileNote* note) const {
  if (note != nullptr && !note->source.empty()) return manifest_.find_source(note->source);
  // The longest matching directory wins ("logs/executors/1/" over "logs/").
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& d : source_dirs_)
    if (starts_with(path, d.first) && (best == nullptr || d.first.size() > best->first.size())) best = &d;
  return best != nullptr ? manifest_.find_source(best->second) : nullptr;
}

Result<Manifest> ManifestBuilder::finish(const std::function<void(Manifest&)>& before_write) {
  auto listed = list_bundle_files(staged_dir_);
  if (!listed.ok()) return listed.take_error();
  manifest_.files.clear();
  for (auto& s : manifest_.sources) {
    s.files = 0;
    s.bytes = 0;
  }
  for (const auto& rel : listed.value()) {
    if (rel == kManifestFileName) continue;
    auto it = notes_.find(rel);
    const FileNote* note = it != notes_.end() ? &it->second : nullptr;
    const SourceRecord* owner = owner_of(rel, note);
    if (owner == nullptr) return Error::internal(staged_dir_ + "/" + rel + ": staged file belongs to no source");
    auto in = io::open_file(staged_dir_ + "/" + rel);
    if (!in.ok()) return in.take_error();
    FileRecord f;
    uint64_t size = 0;
    auto digest = sha256_hex_of(**in, &size);
    if (!digest.ok()) return digest.take_error();
    f.path = rel;
    f.source = owner->name;
    f.size = size;
    f.sha256 = std::move(digest.value());
    f.content_type = note != nullptr && !note->content_type.empty() ? note->content_type : guess_content_type(rel);
    if (note != nullptr) {
      f.origin = note->origin;
      f.truncated = note->truncated;
      if (note->truncated) f.original_size = note->original_size;
      f.redactions = note->redactions;
    }
    SourceRecord* s = source(owner->name);
    s->files += 1;
    s->bytes += size;
    s->truncated = s->truncated || f.truncated;
    manifest_.files.push_back(std::move(f));
  }
  uint64_t total = 0;
  for (const auto& r : manifest_.redaction.rules) total += r.count;
  manifest_.redaction.total = total;
  if (before_write) {
    before_write(manifest_);
    total = 0;
    for (const auto& r : manifest_.redaction.rules) total += r.count;
    manifest_.redaction.total = total;
  }
  SM_TRY(write_whole_file(staged_dir_ + "/" + std::string(kManifestFileName), to_json(manifest_)));
  return manifest_;
}

}  // namespace sm::bundle
