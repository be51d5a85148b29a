#pragma once
// ByteSource: a pull stream of bytes (a file, an archive entry, stdin, a decoder over another
// source). Everything in the analyzer streams through this so no input is ever read whole.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "util/result.h"

namespace sm::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Reads up to out.size() bytes into out. Returns the number read; 0 means end of stream.
  // An error ends the stream: bytes returned before it stay valid (a truncated compressed
  // file still yields what was decodable, then ErrorKind::truncated).
  virtual Result<size_t> read(std::span<char> out) = 0;

  // The name used in messages: a file path or "bundle.tar.zst:eventlogs/app-1.zstd".
  virtual const std::string& name() const = 0;

  // Bytes consumed from the underlying storage so far (compressed bytes for decoders);
  // used for progress and for decompression-ratio limits.
  virtual uint64_t raw_bytes_consumed() const = 0;

  // Zero-copy reading, for sources whose bytes are already in memory (a large regular file is
  // mapped; a memory source): returns the bytes not read yet, preceded by the last `unread`
  // bytes that read() returned (bytes a wrapper peeked at and has not handed out), and marks
  // everything read. nullopt when the source cannot do that, or when more than `max_new`
  // bytes are left (a size limit applies: read() reports it); nothing has changed in that
  // case. The view stays valid while the source lives; the bytes after its end are NOT
  // readable (a caller that needs padding copies the tail).
  virtual std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new = UINT64_MAX) {
    (void)unread;
    (void)max_new;
    return std::nullopt;
  }
  // The caller is done with these bytes of a take_rest() view, and with all before them (calls
  // come in order): a mapped file lets their pages go (they stay readable, from the page
  // cache), so resident memory stays bounded.
  virtual void release(std::string_view done) { (void)done; }
};

using ByteSourcePtr = std::unique_ptr<ByteSource>;

// Opens a regular file for streaming reads. Refuses directories and special files. A file of
// at least kMapThreshold bytes offers take_rest() by mapping it (read-only): the event-log
// engine then parses it in place instead of copying it through read(). The mapping covers the
// size at that moment: bytes appended later (an .inprogress log) are not seen, as with a read
// that reached the end. Like every mmap reader (ripgrep's too), it assumes nobody truncates the
// file meanwhile; Spark only appends to event logs and replaces them by new files.
Result<ByteSourcePtr> open_file(const std::string& path);
inline constexpr uint64_t kMapThreshold = uint64_t{16} << 20;

// Standard input, named "-" (or `display_name`).
ByteSourcePtr open_stdin(std::string display_name = "<stdin>");

// A view over memory the caller keeps alive for the source's lifetime.
ByteSourcePtr memory_source(std::string name, std::string_view data);

// Owns its bytes.
ByteSourcePtr owned_memory_source(std::string name, std::string data);

// Wraps a source and lets callers look at the first bytes (magic numbers) before reading.
class PeekableSource final : public ByteSource {
 public:
  explicit PeekableSource(ByteSourcePtr inner);
  // Returns up to n leading bytes without consuming them (fewer at end of stream).
  Result<std::string_view> peek(size_t n);
  Result<size_t> read(std::span<char> out) override;
  const std::string& name() const override { return inner_->name(); }
  uint64_t raw_bytes_consumed() const override { return inner_->raw_bytes_consumed(); }
  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new = UINT64_MAX) override;
  void release(std::string_view done) override { inner_->release(done); }

 private:
  ByteSourcePtr inner_;
  std::string head_;
  size_t head_pos_ = 0;
  bool inner_eof_ = false;
};

// Reads the whole source into a string, refusing more than max_bytes (for small inputs only:
// manifests, JSON documents from REST dumps).
Result<std::string> read_all(ByteSource& src, uint64_t max_bytes);

}  // namespace sm::io
