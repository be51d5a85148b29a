// snappy-java's SnappyOutputStream framing, which Spark's SnappyCompressionCodec writes
// (snappy-java SnappyCodec.java, SnappyOutputStream.java, SnappyInputStream.java):
//   header: 0x82 "SNAPPY" 0x00 | version (i32 BE, 1) | compatible version (i32 BE, 1)
//   chunks: compressed length (i32 BE) | raw snappy block
// Concatenated streams repeat the whole 16-byte header where a chunk length would be; the
// reader recognises it by the first four magic bytes read as a (negative) length.
// Also accepted: the standard snappy framing format (0xff 06 00 00 "sNaPpY"), as written by
// snappy-java's SnappyFramedOutputStream and most other snappy tools.
#include <snappy-c.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "codec/decoder_base.h"
#include "codec/decoders.h"

namespace sm::codec::detail {
namespace {

constexpr std::string_view kJavaMagic{"\x82SNAPPY\0", 8};
constexpr size_t kJavaHeaderLen = 16;
constexpr std::string_view kFramedMagic{"\xff\x06\x00\x00sNaPpY", 10};
constexpr size_t kFramedMaxData = 65536;  // the framing format's limit on uncompressed data

uint32_t be32(const char* p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[3]));
}

uint32_t le32(const char* p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}

// CRC-32C (Castagnoli), which the framing format stores masked for each chunk.
uint32_t crc32c(std::span<const char> data) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return ~c;
}

uint32_t masked_crc32c(std::span<const char> data) {
  const uint32_t c = crc32c(data);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

class SnappyDecoder final : public BlockDecoder {
 public:
  SnappyDecoder(io::ByteSourcePtr src, const DecodeLimits& limits)
      : BlockDecoder(std::move(src), Codec::snappy, limits) {}

 private:
  enum class Mode { unknown, java, framed };
  bool next_block(std::string& out) override;
  bool detect_mode();
  bool next_java_chunk(std::string& out);
  bool next_framed_chunk(std::string& out);
  // Decodes one raw snappy block from compressed_ into out; false (after fail) if corrupt.
  bool uncompress(std::string& out, size_t max_len, uint64_t at);
  bool read_or_fail(std::span<char> dst, uint64_t at, const char* where);
  bool stop(Error e) {
    fail(std::move(e));
    return false;
  }

  Mode mode_ = Mode::unknown;
  std::string compressed_;
};

bool SnappyDecoder::read_or_fail(std::span<char> dst, uint64_t at, const char* where) {
  auto got = in_.read_exact(dst);
  if (!got.ok()) return stop(got.take_error());
  if (*got < dst.size()) return stop(cut_short(std::string("input ends inside ") + where, at));
  return true;
}

bool SnappyDecoder::detect_mode() {
  auto have = in_.ensure(kFramedMagic.size());
  if (!have.ok()) return stop(have.take_error());
  std::string_view head(in_.data().data(), in_.data().size());
  if (head.empty()) return false;  // an empty input decodes to nothing
  auto is_prefix = [&](std::string_view magic) {
    return magic.substr(0, std::min(head.size(), magic.size())) ==
           head.substr(0, std::min(head.size(), magic.size()));
  };
  if (head.starts_with(kJavaMagic) || (head.size() < kJavaMagic.size() && is_prefix(kJavaMagic))) {
    mode_ = Mode::java;
    return true;
  }
  if (head.starts_with(kFramedMagic) || (head.size() < kFramedMagic.size() && is_prefix(kFramedMagic))) {
    mode_ = Mode::framed;
    return true;
  }
  return stop(corrupt("not a snappy-java or framed snappy stream (bad magic)", 0));
}

bool SnappyDecoder::next_block(std::string& out) {
  if (mode_ == Mode::unknown && !detect_mode()) return false;
  return mode_ == Mode::java ? next_java_chunk(out) : next_framed_chunk(out);
}

bool SnappyDecoder::uncompress(std::string& out, size_t max_len, uint64_t at) {
  size_t len = 0;
  if (snappy_uncompressed_length(compressed_.data(), compressed_.size(), &len) != SNAPPY_OK)
    return stop(corrupt("corrupt snappy block (bad length preamble)", at));
  // A snappy copy element yields at most 64 bytes from 3 input bytes (~21:1): a block that
  // claims more than that is a lie, refused before allocating for it.
  if (len > max_len || len > compressed_.size() * 22 + 64)
    return stop(corrupt("snappy block declares " + std::to_string(len) +
                            " uncompressed bytes, impossible or over the limit of " +
                            std::to_string(max_len),
                        at));
  out.resize(len);
  size_t out_len = len;
  if (snappy_uncompress(compressed_.data(), compressed_.size(), out.data(), &out_len) !=
          SNAPPY_OK ||
      out_len != len)
    return stop(corrupt("corrupt snappy block", at));
  return true;
}

bool SnappyDecoder::next_java_chunk(std::string& out) {
  std::array<char, kJavaHeaderLen> h{};
  for (;;) {
    const uint64_t at = in_.offset();
    auto got = in_.read_exact(std::span<char>(h.data(), 4));
    if (!got.ok()) return stop(got.take_error());
    if (*got == 0) return false;  // chunks have no end mark: a clean end between chunks
    if (*got < 4)
      return stop(cut_short(at == 0 ? "input ends inside the stream header"
                                    : "input ends inside a chunk length",
                            at));
    if (std::memcmp(h.data(), kJavaMagic.data(), 4) == 0) {
      // The stream header, at the start or again where a new stream was appended.
      if (!read_or_fail(std::span<char>(h.data() + 4, kJavaHeaderLen - 4), at, "the stream header"))
        return false;
      if (std::memcmp(h.data(), kJavaMagic.data(), kJavaMagic.size()) != 0)
        return stop(corrupt("bad stream header magic", at));
      const int32_t version = static_cast<int32_t>(be32(h.data() + 8));
      if (version < 1)  // SnappyCodec.MINIMUM_COMPATIBLE_VERSION
        return stop(corrupt("incompatible snappy-java stream version " + std::to_string(version), at));
      continue;
    }
    const int32_t len = static_cast<int32_t>(be32(h.data()));
    if (len <= 0 || static_cast<size_t>(len) > kMaxBlockBytes)
      return stop(corrupt("bad chunk length " + std::to_string(len), at));
    auto data = in_.read_exact(compressed_, static_cast<size_t>(len));
    if (!data.ok()) return stop(data.take_error());
    if (*data < static_cast<size_t>(len)) return stop(cut_short("input ends inside a chunk", at));
    return uncompress(out, kMaxBlockBytes, at);
  }
}

bool SnappyDecoder::next_framed_chunk(std::string& out) {
  std::array<char, 4> h{};
  for (;;) {
    const uint64_t at = in_.offset();
    auto got = in_.read_exact(std::span<char>(h));
    if (!got.ok()) return stop(got.take_error());
    if (*got == 0) return false;
    if (*got < 4) return stop(cut_short("input ends inside a chunk header", at));
    const unsigned type = static_cast<unsigned char>(h[0]);
    const size_t len = le32(h.data()) >> 8;  // 24-bit little-endian length after the type
    if (type == 0xff) {  // stream identifier, repeated when streams are concatenated
      std::array<char, 6> id{};
      if (len != id.size()) return stop(corrupt("bad stream identifier", at));
      if (!read_or_fail(std::span<char>(id), at, "the stream identifier")) return false;
      if (std::memcmp(id.data(), kFramedMagic.data() + 4, id.size()) != 0)
        return stop(corrupt("bad stream identifier", at));
      continue;
    }
    if (type >= 0x80) {  // skippable (padding and the like)
      auto skipped = in_.skip(len);
      if (!skipped.ok()) return stop(skipped.take_error());
      if (*skipped < len) return stop(cut_short("input ends inside a skippable chunk", at));
      continue;
    }
    if (type > 0x01) return stop(corrupt("reserved unskippable chunk type " + std::to_string(type), at));
    if (len < 4 || len > kFramedMaxData + 4 + (type == 0x00 ? kFramedMaxData / 6 + 32 : 0))
      return stop(corrupt("bad chunk length " + std::to_string(len), at));
    std::array<char, 4> crc{};
    if (!read_or_fail(std::span<char>(crc), at, "a chunk")) return false;
    auto data = in_.read_exact(compressed_, len - 4);
    if (!data.ok()) return stop(data.take_error());
    if (*data < len - 4) return stop(cut_short("input ends inside a chunk", at));
    if (type == 0x00) {
      if (!uncompress(out, kFramedMaxData, at)) return false;
    } else {
      out.swap(compressed_);
    }
    if (masked_crc32c(out) != le32(crc.data())) return stop(corrupt("chunk checksum mismatch", at));
    return true;
  }
}

}  // namespace

io::ByteSourcePtr make_snappy_decoder(io::ByteSourcePtr src, const DecodeLimits& limits) {
  return std::make_unique<SnappyDecoder>(std::move(src), limits);
}

}  // namespace sm::codec::detail
