#include "staging.h"

#include <algorithm>
#include <filesystem>

#include "time_util.h"
#include "util/temp_dir.h"

namespace sm::collect {
namespace {
namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}
}  // namespace

Status Staging::make_parent(const std::string& bundle_path) const {
  std::error_code ec;
  const fs::path parent = fs::path(path_of(bundle_path)).parent_path();
  fs::create_directories(parent, ec);
  if (ec) return Error::io(parent.string() + ": cannot create directory: " + ec.message());
  return ok_status();
}

void Staging::remove(const std::string& bundle_path) {
  (void)remove_tree(path_of(bundle_path));
  files_.erase(std::remove_if(files_.begin(), files_.end(), [&](const StagedFile& f) { return f.bundle_path == bundle_path; }),
               files_.end());
}

Status Staging::rename(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(path_of(from), path_of(to), ec);
  if (ec) return Error::io(path_of(from) + ": cannot rename to " + to + ": " + ec.message());
  claimed_.insert(to);
  for (auto& f : files_)
    if (f.bundle_path == from) f.bundle_path = to;
  return ok_status();
}

size_t Staging::files_of(const std::string& source) const {
  return static_cast<size_t>(
      std::count_if(files_.begin(), files_.end(), [&](const StagedFile& f) { return f.note.source == source; }));
}

SourceRun::SourceRun(std::string name, std::string kind) {
  record_.name = std::move(name);
  record_.kind = std::move(kind);
  record_.started_at = rfc3339_utc(now_epoch_seconds());
  t0_ms_ = now_epoch_ms();
}

bundle::SourceRecord SourceRun::finish(size_t staged_files, std::optional<uint64_t> cap) {
  bundle::SourceRecord r = record_;
  r.duration_ms = static_cast<uint64_t>(std::max<int64_t>(0, now_epoch_ms() - t0_ms_));
  r.cap_bytes = cap;
  if (!errors_.empty()) {
    r.status = bundle::SourceStatus::failed;
    r.error = join(errors_);
    r.notes = notes_;
  } else if (skip_reason_ || staged_files == 0) {
    r.status = bundle::SourceStatus::skipped;
    r.reason = skip_reason_ ? *skip_reason_ : (notes_.empty() ? std::string("nothing selected") : join(notes_));
    if (skip_reason_) r.notes = notes_;
  } else {
    r.status = bundle::SourceStatus::collected;
    r.notes = notes_;
  }
  return r;
}

}  // namespace sm::collect
