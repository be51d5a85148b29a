// Archive input for read_bundle: tar (ustar, pax, GNU; plain or gzip/zstd/bzip2/xz
// compressed) and zip, streamed with libarchive. Nothing is extracted: every member is
// checked (path, type, limits) and regular files go to the visitor as streams.
#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <vector>

#include "bundle/archive_ptr.h"
#include "bundle/entry_path.h"
#include "bundle/reader_internal.h"

namespace sm::bundle::detail {

void ArchiveReadDeleter::operator()(archive* a) const { archive_read_free(a); }
void ArchiveWriteDeleter::operator()(archive* a) const { archive_write_free(a); }

namespace {

// libarchive's read block for files, and our buffer for streams.
constexpr size_t kReadBlock = 64 * 1024;
// A damaged tar header makes libarchive return ARCHIVE_RETRY; each retry moves one 512-byte
// block on, looking for the next valid header. This many blocks (2 MiB) in a row without one
// means there is nothing left worth reading.
constexpr int kMaxConsecutiveRetries = 4096;

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? printable(m) : std::string("unknown libarchive error");
}

// Only filters libarchive implements in-process: no external programs are ever started.
ArchiveReadPtr new_reader() {
  ArchiveReadPtr a(archive_read_new());
  if (!a) return a;
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_zip(a.get());
  return a;
}

class ArchiveEntrySource final : public BudgetedSource {
 public:
  ArchiveEntrySource(ReadContext& ctx, EntryState& state, std::string display, archive* a)
      : BudgetedSource(ctx, state, std::move(display)), a_(a), base_(raw_position()) {}
  uint64_t raw_bytes_consumed() const override { return raw_position() - base_; }

 protected:
  Result<size_t> raw_read(std::span<char> out) override {
    la_ssize_t n = archive_read_data(a_, out.data(), out.size());
    if (n < 0) return Error::bad_input(name() + ": cannot read the entry's data: " + archive_message(a_));
    return static_cast<size_t>(n);
  }
  std::optional<uint64_t> ratio_base() const override { return raw_position(); }

 private:
  uint64_t raw_position() const {
    la_int64_t p = archive_filter_bytes(a_, -1);
    return p > 0 ? static_cast<uint64_t>(p) : 0;
  }
  archive* a_;
  uint64_t base_;
};

const char* special_kind(mode_t type) {
  switch (type) {
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    case AE_IFIFO: return "fifo";
    case AE_IFSOCK: return "socket";
    default: return "special file";
  }
}

const char* member_name(archive_entry* ae) {
  const char* p = archive_entry_pathname_utf8(ae);
  if (p == nullptr) p = archive_entry_pathname(ae);
  return p;
}

// Handles one non-regular member. Returns true when it was handled (skipped with an issue).
bool skip_non_regular(ReadContext& ctx, archive_entry* ae, const std::string& raw) {
  if (const char* target = archive_entry_hardlink(ae)) {
    ctx.issue(raw, "hard link to \"" + printable(target) + "\"; not followed, skipped");
    return true;
  }
  const mode_t type = archive_entry_filetype(ae);
  if (type == AE_IFDIR) return true;  // directories are implied by file paths
  if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(ae);
    ctx.issue(raw, "symbolic link to \"" + printable(target != nullptr ? target : "") + "\"; not followed, skipped");
    return true;
  }
  if (type != AE_IFREG) {
    ctx.issue(raw, std::string(special_kind(type)) + "; skipped");
    return true;
  }
  if (archive_entry_is_encrypted(ae)) {
    ctx.issue(raw, "encrypted; skipped");
    return true;
  }
  return false;
}

// Walks every member. `seekable`: libarchive can jump over zip members without inflating.
Status walk(archive* a, ReadContext& ctx, bool seekable) {
  ctx.detect_bundle_root();
  std::string last = "(start of archive)";
  int retries = 0;
  std::string retry_message;
  bool any_header = false;
  for (;;) {
    archive_entry* ae = nullptr;
    const int r = archive_read_next_header(a, &ae);
    if (r == ARCHIVE_RETRY && ++retries <= kMaxConsecutiveRetries) {
      if (retries == 1) retry_message = archive_message(a);
      continue;
    }
    if (retries > 0) {
      const std::string scanned = std::to_string(retries) + " block(s)";
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        // The damage ran to the end (or past what we scan): everything after it is lost.
        ctx.stop(Error::bad_input(ctx.input_name() + ": damaged data after \"" + printable(last) + "\" (" +
                                  retry_message + "); no valid member in the " + scanned + " after it"));
        break;
      }
      // Found a member again: one issue per damaged stretch, not one per block.
      ctx.issue(last, "damaged data after this entry (" + retry_message + "); skipped " + scanned +
                          " to the next valid member");
      retries = 0;
    }
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      std::string msg = ctx.input_name() + ": cannot read the archive after \"" + printable(last) + "\": " + archive_message(a);
      if (!any_header) return Error::bad_input(std::move(msg));
      ctx.stop(Error::bad_input(std::move(msg)));
      break;
    }
    any_header = true;
    const char* name = member_name(ae);
    const std::string raw = name != nullptr ? name : "";
    if (!ctx.count_item(raw)) break;
    if (skip_non_regular(ctx, ae, raw)) continue;
    auto path = ctx.accept_path(raw);
    if (!path) continue;
    last = *path;
    Entry entry;
    entry.path = *path;
    const bool has_size = archive_entry_size_is_set(ae) != 0 && archive_entry_size(ae) >= 0;
    entry.size = has_size ? archive_entry_size(ae) : -1;
    entry.display_name = ctx.input_name() + ":" + printable(*path);
    EntryState state;
    ArchiveEntrySource content(ctx, state, entry.display_name, a);
    if (!ctx.deliver(entry, content, state)) break;
    // Plain tar and seekable zip members are skipped by seeking; anything inside a compressed
    // stream (or a streamed zip) must be decompressed to get past it, so it is drained here
    // under the budget instead of by libarchive without one.
    const bool compressed_stream = archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE;
    const bool is_zip = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
    if (compressed_stream || (is_zip && !seekable)) {
      if (auto err = content.drain()) {
        if (!ctx.global_stop_pending()) ctx.issue(*path, "corrupt data: " + err->message);
      }
    }
    std::optional<uint64_t> declared;
    if (has_size) declared = static_cast<uint64_t>(entry.size);
    if (!ctx.finish_entry(entry, state, declared)) break;
  }
  return ok_status();
}

struct StreamClient {
  io::ByteSource* src = nullptr;
  std::vector<char> buffer;
};

la_ssize_t stream_read(archive* a, void* client_data, const void** buff) {
  auto* client = static_cast<StreamClient*>(client_data);
  auto r = client->src->read(std::span<char>(client->buffer.data(), client->buffer.size()));
  if (!r.ok()) {
    archive_set_error(a, EIO, "%s", r.error().message.c_str());
    return -1;
  }
  *buff = client->buffer.data();
  return static_cast<la_ssize_t>(*r);
}

}  // namespace

bool sniff_archive(std::string_view head) {
  if (head.empty()) return false;
  ArchiveReadPtr a = new_reader();
  if (!a || archive_read_open_memory(a.get(), head.data(), head.size()) != ARCHIVE_OK) return false;
  archive_entry* ae = nullptr;
  const int r = archive_read_next_header(a.get(), &ae);
  // EOF: a valid empty tar (only the end-of-archive blocks) or an empty zip.
  return r == ARCHIVE_OK || r == ARCHIVE_WARN || r == ARCHIVE_EOF;
}

Status read_archive_file(const std::string& path, ReadContext& ctx) {
  ArchiveReadPtr a = new_reader();
  if (!a) return Error::internal(path + ": cannot create an archive reader");
  if (archive_read_open_filename(a.get(), path.c_str(), kReadBlock) != ARCHIVE_OK)
    return Error::io(path + ": cannot open: " + archive_message(a.get()));
  return walk(a.get(), ctx, /*seekable=*/true);
}

Status read_archive_stream(io::ByteSource& src, ReadContext& ctx) {
  ArchiveReadPtr a = new_reader();
  if (!a) return Error::internal(src.name() + ": cannot create an archive reader");
  StreamClient client;
  client.src = &src;
  client.buffer.resize(kReadBlock);
  if (archive_read_open(a.get(), &client, nullptr, stream_read, nullptr) != ARCHIVE_OK)
    return Error::io(src.name() + ": cannot open: " + archive_message(a.get()));
  return walk(a.get(), ctx, /*seekable=*/false);
}

}  // namespace sm::bundle::detail
