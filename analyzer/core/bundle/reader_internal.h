#pragma once
// Internals of read_bundle shared by its input forms (directory, archive, single file):
// the entry budget (entry count, per-entry size, total size, expansion ratio), path
// acceptance (normalize, strip the bundle root, refuse duplicates) and the visitor protocol.
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "bundle/bundle_reader.h"

namespace sm::bundle::detail {

// Per-entry accounting.
struct EntryState {
  uint64_t bytes = 0;            // expanded bytes produced so far (visitor reads + draining)
  bool entry_limit_hit = false;  // a read failed on max_entry_bytes
  bool draining = false;         // the visitor is done; the per-entry cap no longer applies
};

class ReadContext {
 public:
  ReadContext(std::string input_name, const ReadLimits& limits, const EntryVisitor& visit, ReadReport& report);

  const std::string& input_name() const { return input_name_; }
  const ReadLimits& limits() const { return limits_; }
  ReadReport& report() { return report_; }

  // Counts one item of any type (file, directory, link, device) against max_entries. Returns
  // false, with stopped_by set, once the limit is passed.
  bool count_item(std::string_view raw_path);
  // Records a skipped item: "<input>: <path>: <why>".
  void issue(std::string_view raw_path, std::string_view why);
  void stop(Error e);
  bool stopped() const { return report_.stopped_by.has_value(); }

  // For archives: the first regular file decides whether a bundle root directory is stripped
  // (it is when that file is "<root>/manifest.json"). Directories find their root up front.
  void detect_bundle_root() { detect_root_ = true; }
  // Normalizes, strips and de-duplicates a regular file's name. nullopt (with an issue) if refused.
  std::optional<std::string> accept_path(std::string_view raw);

  // How many more expanded bytes the current entry may produce (0: at a limit).
  uint64_t allowance(const EntryState& e) const;
  // The error for a read that found more bytes than allowance() permits. Global limits are
  // remembered and end the read after the visitor returns.
  Error overflow(EntryState& e, const std::string& display);
  // Adds n expanded bytes. raw_consumed: archive bytes consumed so far, for the ratio check
  // (nullopt when the input is not compressed as a whole). Returns a ratio error, if tripped.
  std::optional<Error> account(EntryState& e, uint64_t n, std::optional<uint64_t> raw_consumed,
                               const std::string& display);
  bool global_stop_pending() const { return global_error_.has_value(); }

  // Runs the visitor on one entry and decides what its outcome means. Returns false when the
  // read must stop (stopped_by is then set).
  bool deliver(const Entry& entry, io::ByteSource& content, EntryState& state);
  // After the entry's bytes were drained: reports an entry larger than max_entry_bytes and
  // turns a pending global limit into stopped_by. Returns false when the read must stop.
  bool finish_entry(const Entry& entry, const EntryState& state, std::optional<uint64_t> declared_size);

 private:
  std::string input_name_;
  const ReadLimits& limits_;
  const EntryVisitor& visit_;
  ReadReport& report_;
  uint64_t items_ = 0;
  std::string strip_prefix_;
  bool detect_root_ = false;
  bool first_file_seen_ = false;
  std::set<std::string> seen_paths_;
  std::optional<Error> global_error_;
};

// A ByteSource over one entry that enforces the ReadContext budget; subclasses supply the
// raw bytes. Errors are sticky: once a read fails, every later read fails the same way.
class BudgetedSource : public io::ByteSource {
 public:
  BudgetedSource(ReadContext& ctx, EntryState& state, std::string display)
      : ctx_(ctx), state_(state), display_(std::move(display)) {}
  Result<size_t> read(std::span<char> out) final;
  const std::string& name() const final { return display_; }
  // Zero-copy when the raw source offers it and the rest fits the budget (counted at once).
  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new = UINT64_MAX) final;
  void release(std::string_view done) final { raw_release(done); }
  // Reads and discards what the visitor left, counting it against the total and ratio limits
  // (a skipped entry of a compressed archive still has to be decompressed to reach the next
  // one). Returns the error that ended it, if any.
  std::optional<Error> drain();

 protected:
  virtual Result<size_t> raw_read(std::span<char> out) = 0;
  virtual std::optional<std::string_view> raw_take_rest(size_t unread, uint64_t max_new) {
    (void)unread;
    (void)max_new;
    return std::nullopt;
  }
  virtual void raw_release(std::string_view done) { (void)done; }
  // Archive bytes consumed so far when the ratio applies (compressed archives), else nullopt.
  virtual std::optional<uint64_t> ratio_base() const { return std::nullopt; }

 private:
  ReadContext& ctx_;
  EntryState& state_;
  std::string display_;
  std::optional<Error> sticky_;
  bool entry_limit_error_ = false;  // sticky_ is the per-entry cap (lifted for draining)
  bool eof_ = false;
};

// The input forms.
Status read_directory(const std::string& root, ReadContext& ctx);
Status read_single_file(const std::string& path, ReadContext& ctx);
// One entry from a stream (a single file, or stdin that is not an archive).
Status read_single(io::ByteSourcePtr src, Entry entry, ReadContext& ctx);
// True when libarchive finds a tar or zip header (possibly under gzip/zstd/bzip2/xz) in the
// leading bytes of an input.
bool sniff_archive(std::string_view head);
// Reads an archive from a file (seekable: zip uses its central directory).
Status read_archive_file(const std::string& path, ReadContext& ctx);
// Reads an archive from a stream (stdin), which must start with `head` already peeked.
Status read_archive_stream(io::ByteSource& src, ReadContext& ctx);

}  // namespace sm::bundle::detail
