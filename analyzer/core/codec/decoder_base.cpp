#include "codec/decoder_base.h"

#include <algorithm>
#include <cstring>

namespace sm::codec::detail {

InputBuffer::InputBuffer(io::ByteSource& src, size_t capacity) : src_(src), buf_(capacity) {}

Result<bool> InputBuffer::fill() {
  if (pos_ < len_) return true;
  pos_ = len_ = 0;
  if (eof_) return false;
  auto r = src_.read(std::span<char>(buf_.data(), buf_.size()));
  if (!r.ok()) return r.take_error();
  if (*r == 0) {
    eof_ = true;  // a source that said "end" once is not asked again
    return false;
  }
  len_ = *r;
  return true;
}

Result<size_t> InputBuffer::ensure(size_t n) {
  n = std::min(n, buf_.size());
  if (len_ - pos_ >= n) return len_ - pos_;
  // Slide the unread tail to the front so the rest of the buffer can be filled.
  std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
  len_ -= pos_;
  pos_ = 0;
  while (len_ < n && !eof_) {
    auto r = src_.read(std::span<char>(buf_.data() + len_, buf_.size() - len_));
    if (!r.ok()) return r.take_error();
    if (*r == 0) eof_ = true;
    len_ += *r;
  }
  return len_;
}

void InputBuffer::consume(size_t n) {
  pos_ += n;
  offset_ += n;
}

Result<size_t> InputBuffer::read_exact(std::span<char> out) {
  size_t got = 0;
  while (got < out.size()) {
    auto f = fill();
    if (!f.ok()) return f.take_error();
    if (!*f) break;
    size_t n = std::min(out.size() - got, len_ - pos_);
    if (n != 0) std::memcpy(out.data() + got, buf_.data() + pos_, n);
    consume(n);
    got += n;
  }
  return got;
}

Result<size_t> InputBuffer::read_exact(std::string& dst, size_t n) {
  dst.clear();
  while (dst.size() < n) {
    auto f = fill();
    if (!f.ok()) return f.take_error();
    if (!*f) break;
    size_t k = std::min(n - dst.size(), len_ - pos_);
    dst.append(buf_.data() + pos_, k);
    consume(k);
  }
  return dst.size();
}

Result<size_t> InputBuffer::skip(size_t n) {
  size_t done = 0;
  while (done < n) {
    auto f = fill();
    if (!f.ok()) return f.take_error();
    if (!*f) break;
    size_t k = std::min(n - done, len_ - pos_);
    consume(k);
    done += k;
  }
  return done;
}

DecoderBase::DecoderBase(io::ByteSourcePtr src, Codec codec, const DecodeLimits& limits)
    : src_(std::move(src)), codec_(codec), limits_(limits), in_(*src_) {}

Result<size_t> DecoderBase::read(std::span<char> out) {
  if (error_) return *error_;
  if (out.empty()) return size_t{0};
  const uint64_t room = limits_.max_output_bytes - std::min(total_out_, limits_.max_output_bytes);
  if (room == 0) {
    // Exactly at the cap: only a bomb if there is more to come, so probe one byte.
    char probe = 0;
    if (produce(std::span<char>(&probe, 1)) > 0)
      fail(Error::limit(name() + ": " + std::string(codec_name(codec_)) +
                        ": decoded output exceeds the limit of " +
                        std::to_string(limits_.max_output_bytes) + " bytes"));
    if (error_) return *error_;
    return size_t{0};
  }
  if (out.size() > room) out = out.first(static_cast<size_t>(room));
  size_t n = produce(out);
  if (n == 0) {
    if (error_) return *error_;
    return size_t{0};
  }
  total_out_ += n;
  check_limits();
  return n;
}

void DecoderBase::check_limits() {
  if (total_out_ <= limits_.ratio_check_after) return;
  // Ratio against the bytes the underlying storage gave up: for a nested layer that is the
  // outer file, which is what a bomb is measured against.
  const double in = static_cast<double>(std::max<uint64_t>(1, src_->raw_bytes_consumed()));
  const double ratio = static_cast<double>(total_out_) / in;
  if (ratio > limits_.max_ratio)
    fail(Error::limit(name() + ": " + std::string(codec_name(codec_)) + ": decompression ratio " +
                      std::to_string(static_cast<uint64_t>(ratio)) + ":1 exceeds the limit of " +
                      std::to_string(static_cast<uint64_t>(limits_.max_ratio)) +
                      ":1 (possible decompression bomb)"));
}

void DecoderBase::fail(Error e) {
  if (!error_) error_ = std::move(e);
}

std::string DecoderBase::describe(std::string_view what, uint64_t offset) const {
  std::string m = name();
  m += ": ";
  m += codec_name(codec_);
  m += ": ";
  m += what;
  m += " at compressed offset ";
  m += std::to_string(offset);
  return m;
}

Error DecoderBase::corrupt(std::string_view what, uint64_t offset) const {
  return Error::bad_input(describe(what, offset));
}

Error DecoderBase::cut_short(std::string_view what, uint64_t offset) const {
  return Error::truncated(describe(what, offset));
}

Error DecoderBase::too_big(std::string_view what, uint64_t offset) const {
  return Error::limit(describe(what, offset));
}

size_t BlockDecoder::produce(std::span<char> out) {
  size_t n = 0;
  while (n < out.size()) {
    if (block_pos_ == block_.size()) {
      // Hand back what we have before reading further input: keeps reads of a live stream
      // (stdin) responsive and applies the output limits block by block.
      if (n > 0 || done_ || failed()) break;
      block_pos_ = 0;
      if (!next_block(block_)) {
        block_.clear();
        done_ = true;
        break;
      }
      continue;
    }
    size_t k = std::min(out.size() - n, block_.size() - block_pos_);
    if (k != 0) std::memcpy(out.data() + n, block_.data() + block_pos_, k);
    n += k;
    block_pos_ += k;
  }
  return n;
}

}  // namespace sm::codec::detail
