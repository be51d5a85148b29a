#pragma once
// Private plumbing shared by the stream decoders: a buffered reader over the compressed source
// that knows its offset (for error messages), and a ByteSource base that applies DecodeLimits,
// keeps errors sticky, and delivers decoded bytes before the error that ended the stream.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec.h"
#include "io/byte_source.h"

namespace sm::codec::detail {

// Largest block any framing may declare (lz4/snappy/lzf): a hostile header must not be able
// to make us allocate gigabytes. Real writers use 32 KiB (Spark) up to 32 MiB (lz4-java max).
inline constexpr size_t kMaxBlockBytes = size_t{64} << 20;

class InputBuffer {
 public:
  explicit InputBuffer(io::ByteSource& src, size_t capacity = size_t{64} << 10);

  // Buffers at least min(n, capacity) unread bytes unless the input ends first; returns how
  // many unread bytes are buffered.
  Result<size_t> ensure(size_t n);
  // Reads more input if nothing is buffered. False at end of input.
  Result<bool> fill();
  std::span<const char> data() const { return {buf_.data() + pos_, len_ - pos_}; }
  void consume(size_t n);
  // Offset in the compressed stream of the next unread byte.
  uint64_t offset() const { return offset_; }
  bool at_end() const { return eof_ && pos_ == len_; }

  // Copies exactly out.size() bytes unless the input ends first; returns the count copied.
  Result<size_t> read_exact(std::span<char> out);
  // Replaces dst with the next n bytes (fewer at end of input). dst grows only as bytes
  // arrive, so a header that lies about n costs no more memory than the input really has.
  Result<size_t> read_exact(std::string& dst, size_t n);
  // Discards up to n bytes; returns the count discarded.
  Result<size_t> skip(size_t n);

 private:
  io::ByteSource& src_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
};

class DecoderBase : public io::ByteSource {
 public:
  DecoderBase(io::ByteSourcePtr src, Codec codec, const DecodeLimits& limits);

  Result<size_t> read(std::span<char> out) final;
  const std::string& name() const final { return src_->name(); }
  uint64_t raw_bytes_consumed() const final { return src_->raw_bytes_consumed(); }

 protected:
  // Writes decoded bytes to out and returns how many: 0 only at the clean end of the stream
  // or after fail(). Bytes produced in the call that fails are still delivered.
  virtual size_t produce(std::span<char> out) = 0;

  // Records the error that ends the stream (the first one wins).
  void fail(Error e);
  bool failed() const { return error_.has_value(); }
  // "<source>: <codec>: <what> at compressed offset <offset>"
  Error corrupt(std::string_view what, uint64_t offset) const;
  Error cut_short(std::string_view what, uint64_t offset) const;
  Error too_big(std::string_view what, uint64_t offset) const;

 private:
  std::string describe(std::string_view what, uint64_t offset) const;
  void check_limits();

  io::ByteSourcePtr src_;
  Codec codec_;
  DecodeLimits limits_;
  uint64_t total_out_ = 0;
  std::optional<Error> error_;

 protected:
  InputBuffer in_;  // declared after src_, which it reads from
};

// Decoders whose framing is a sequence of self-contained blocks (lz4, snappy, lzf): the
// subclass decodes one block at a time and this class serves it out.
class BlockDecoder : public DecoderBase {
 public:
  using DecoderBase::DecoderBase;

 protected:
  // Decodes the next block into out (replacing its contents). Returns false at the clean
  // end of the stream, or after fail().
  virtual bool next_block(std::string& out) = 0;

 private:
  size_t produce(std::span<char> out) final;

  std::string block_;
  size_t block_pos_ = 0;
  bool done_ = false;
};

}  // namespace sm::codec::detail
