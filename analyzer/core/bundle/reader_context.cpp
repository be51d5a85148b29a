// The budget and visitor protocol shared by every input form of read_bundle.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "bundle/entry_path.h"
#include "bundle/manifest.h"
#include "bundle/reader_internal.h"

namespace sm::bundle::detail {
namespace {

// Buffer used to discard what a visitor left unread.
constexpr size_t kDrainChunk = 64 * 1024;

std::string ratio_text(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f:1", r);
  return buf;
}

}  // namespace

ReadContext::ReadContext(std::string input_name, const ReadLimits& limits, const EntryVisitor& visit,
                         ReadReport& report)
    : input_name_(std::move(input_name)), limits_(limits), visit_(visit), report_(report) {}

bool ReadContext::count_item(std::string_view raw_path) {
  if (stopped()) return false;
  if (++items_ > limits_.max_entries) {
    stop(Error::limit(input_name_ + ": more than " + std::to_string(limits_.max_entries) +
                      " entries (max_entries); stopped before \"" + printable(raw_path) + "\""));
    return false;
  }
  return true;
}

void ReadContext::issue(std::string_view raw_path, std::string_view why) {
  report_.issues.push_back(
      {std::string(raw_path), input_name_ + ": " + printable(raw_path) + ": " + std::string(why)});
}

void ReadContext::stop(Error e) {
  if (!report_.stopped_by) report_.stopped_by = std::move(e);
}

std::optional<std::string> ReadContext::accept_path(std::string_view raw) {
  auto norm = normalize_entry_path(raw);
  if (!norm.ok()) {
    issue(raw, norm.error().message + "; skipped");
    return std::nullopt;
  }
  std::string path = std::move(norm.value());
  if (detect_root_) {
    const size_t slash = path.find('/');
    const bool root_manifest = slash != std::string::npos && path.find('/', slash + 1) == std::string::npos &&
                               std::string_view(path).substr(slash + 1) == kManifestFileName;
    if (!first_file_seen_) {
      first_file_seen_ = true;
      if (root_manifest) strip_prefix_ = path.substr(0, slash + 1);
    } else if (root_manifest && strip_prefix_.empty()) {
      issue(raw, "manifest.json is not the first file of the archive, so its directory is not treated as the "
                 "bundle root (paths keep that directory)");
    }
  }
  if (!strip_prefix_.empty() && path.size() > strip_prefix_.size() &&
      path.compare(0, strip_prefix_.size(), strip_prefix_) == 0)
    path.erase(0, strip_prefix_.size());
  if (!seen_paths_.insert(path).second) {
    issue(raw, "duplicate entry (an earlier one has the same path); skipped");
    return std::nullopt;
  }
  return path;
}

uint64_t ReadContext::allowance(const EntryState& e) const {
  const uint64_t total = report_.expanded_bytes;
  uint64_t allow = total >= limits_.max_total_bytes ? 0 : limits_.max_total_bytes - total;
  if (!e.draining) {
    const uint64_t entry_left = e.bytes >= limits_.max_entry_bytes ? 0 : limits_.max_entry_bytes - e.bytes;
    allow = std::min(allow, entry_left);
  }
  return allow;
}

Error ReadContext::overflow(EntryState& e, const std::string& display) {
  if (report_.expanded_bytes >= limits_.max_total_bytes) {
    if (!global_error_)
      global_error_ = Error::limit(display + ": the bundle expands beyond " + std::to_string(limits_.max_total_bytes) +
                                   " bytes (max_total_bytes); stopped");
    return *global_error_;
  }
  e.entry_limit_hit = true;
  return Error::limit(display + ": entry larger than " + std::to_string(limits_.max_entry_bytes) +
                      " bytes (max_entry_bytes); content cut at the limit");
}

std::optional<Error> ReadContext::account(EntryState& e, uint64_t n, std::optional<uint64_t> raw_consumed,
                                          const std::string& display) {
  e.bytes += n;
  report_.expanded_bytes += n;
  const uint64_t total = report_.expanded_bytes;
  if (!raw_consumed || global_error_ || total < limits_.ratio_check_after) return std::nullopt;
  const double ratio = static_cast<double>(total) / static_cast<double>(std::max<uint64_t>(*raw_consumed, 1));
  if (ratio <= limits_.max_ratio) return std::nullopt;
  global_error_ = Error::limit(display + ": " + std::to_string(total) + " bytes expanded from " +
                               std::to_string(*raw_consumed) + " archive bytes, ratio " + ratio_text(ratio) +
                               " exceeds " + ratio_text(limits_.max_ratio) + " (max_ratio: a decompression bomb?); stopped");
  return global_error_;
}

bool ReadContext::deliver(const Entry& entry, io::ByteSource& content, EntryState& state) {
  ++report_.entries;
  Status s = visit_(entry, content);
  if (global_error_) {
    stop(*global_error_);
    return false;
  }
  if (!s.ok()) {
    // A visitor that passes on the per-entry limit error its content produced has not asked
    // to stop: the limit is the reader's, and the reader moves on to the next entry.
    if (s.error().kind == ErrorKind::limit && state.entry_limit_hit) return true;
    stop(s.take_error());
    return false;
  }
  return true;
}

bool ReadContext::finish_entry(const Entry& entry, const EntryState& state, std::optional<uint64_t> declared_size) {
  const uint64_t cap = limits_.max_entry_bytes;
  if (state.entry_limit_hit || state.bytes > cap || (declared_size && *declared_size > cap))
    issue(entry.path, "larger than " + std::to_string(cap) + " bytes (max_entry_bytes); content cut at the limit");
  if (global_error_) {
    stop(*global_error_);
    return false;
  }
  return !stopped();
}

Result<size_t> BudgetedSource::read(std::span<char> out) {
  if (sticky_) return *sticky_;
  if (eof_ || out.empty()) return size_t{0};
  const uint64_t allow = ctx_.allowance(state_);
  if (allow == 0) {
    // At a limit: only an overflow if the entry really has another byte.
    char probe = 0;
    auto r = raw_read(std::span<char>(&probe, 1));
    if (!r.ok()) {
      sticky_ = r.error();
      return r.take_error();
    }
    if (*r == 0) {
      eof_ = true;
      return size_t{0};
    }
    state_.bytes += 1;
    sticky_ = ctx_.overflow(state_, display_);
    entry_limit_error_ = !ctx_.global_stop_pending();
    return *sticky_;
  }
  const size_t want = allow < out.size() ? static_cast<size_t>(allow) : out.size();
  auto r = raw_read(out.first(want));
  if (!r.ok()) {
    sticky_ = r.error();
    return r.take_error();
  }
  if (*r == 0) {
    eof_ = true;
    return size_t{0};
  }
  // The bytes just read are good; a tripped ratio makes the next read fail.
  if (auto e = ctx_.account(state_, *r, ratio_base(), display_)) sticky_ = std::move(*e);
  return *r;
}

std::optional<std::string_view> BudgetedSource::take_rest(size_t unread, uint64_t max_new) {
  if (sticky_ || eof_ || state_.draining) return std::nullopt;
  const uint64_t allow = std::min(ctx_.allowance(state_), max_new);
  auto rest = raw_take_rest(unread, allow);
  if (!rest) return std::nullopt;
  const uint64_t fresh = rest->size() - unread;
  eof_ = true;
  if (fresh != 0)
    if (auto e = ctx_.account(state_, fresh, ratio_base(), display_)) sticky_ = std::move(*e);
  return rest;
}

std::optional<Error> BudgetedSource::drain() {
  state_.draining = true;
  if (sticky_ && entry_limit_error_) sticky_.reset();  // draining is not bound by the entry cap
  std::vector<char> buf(kDrainChunk);
  for (;;) {
    auto r = read(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) return r.take_error();
    if (*r == 0) return std::nullopt;
  }
}

}  // namespace sm::bundle::detail
