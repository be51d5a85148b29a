// lz4-java's LZ4BlockOutputStream framing, which Spark's LZ4CompressionCodec writes
// (lz4-java src/java/net/jpountz/lz4/LZ4BlockOutputStream.java, LZ4BlockInputStream.java):
//   "LZ4Block" | token | compressed len (i32 LE) | decompressed len (i32 LE) | checksum (i32 LE)
//   | data
// token = method (0x10 raw, 0x20 lz4) | (compression level: log2(block size) - 10, 0..15).
// checksum = XXH32(decompressed, seed 0x9747b28c) & 0x0FFFFFFF (StreamingXXHash32.asChecksum).
// finish() writes an end mark: a raw header with both lengths and the checksum 0. Spark
// reads with stopOnEmptyBlock=false, so a stream may hold several end marks (concatenated
// streams); we read on after each one.
#include <lz4.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>

#include "codec/decoder_base.h"
#include "codec/decoders.h"
#include "codec/xxhash32.h"

namespace sm::codec::detail {
namespace {

constexpr std::string_view kMagic = "LZ4Block";
constexpr size_t kHeaderLen = 8 + 1 + 4 + 4 + 4;
constexpr int kMethodRaw = 0x10;
constexpr int kMethodLz4 = 0x20;
constexpr int kLevelBase = 10;
constexpr uint32_t kSeed = 0x9747b28c;
constexpr uint32_t kChecksumMask = 0x0FFFFFFF;

int32_t le_i32(const char* p) {
  uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
               static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
               static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
               static_cast<uint32_t>(static_cast<unsigned char>(p[3])) << 24;
  return static_cast<int32_t>(v);  // Java ints: a hostile length may be negative
}

class Lz4Decoder final : public BlockDecoder {
 public:
  Lz4Decoder(io::ByteSourcePtr src, const DecodeLimits& limits)
      : BlockDecoder(std::move(src), Codec::lz4, limits) {}

 private:
  bool next_block(std::string& out) override;
  bool bad(const std::string& what, uint64_t offset) {
    fail(corrupt("block " + std::to_string(block_no_) + ": " + what, offset));
    return false;
  }

  std::string compressed_;
  uint64_t block_no_ = 0;        // 1-based index of the block being read, for messages
  bool open_stream_ = false;     // data blocks seen since the last end mark
};

bool Lz4Decoder::next_block(std::string& out) {
  for (;;) {
    ++block_no_;
    const uint64_t at = in_.offset();
    std::array<char, kHeaderLen> h{};
    auto got = in_.read_exact(std::span<char>(h));
    if (!got.ok()) {
      fail(got.take_error());
      return false;
    }
    if (*got == 0) {
      // A writer that was never closed (an in-progress log) leaves no end mark.
      if (open_stream_) fail(cut_short("stream ends without an end mark (unfinished writer)", at));
      return false;
    }
    if (*got < kHeaderLen) {
      fail(cut_short("input ends inside the header of block " + std::to_string(block_no_), at));
      return false;
    }
    if (std::memcmp(h.data(), kMagic.data(), kMagic.size()) != 0) return bad("bad magic", at);
    const int token = static_cast<unsigned char>(h[8]);
    const int method = token & 0xF0;
    const int level = kLevelBase + (token & 0x0F);
    const int32_t clen = le_i32(h.data() + 9);
    const int32_t olen = le_i32(h.data() + 13);
    const uint32_t check = static_cast<uint32_t>(le_i32(h.data() + 17));
    // The same consistency checks LZ4BlockInputStream.refill() makes.
    if (method != kMethodRaw && method != kMethodLz4) return bad("unknown compression method", at);
    if (olen < 0 || clen < 0) return bad("negative block length", at);
    if (olen > (int32_t{1} << level) || static_cast<size_t>(olen) > kMaxBlockBytes)
      return bad("decompressed length " + std::to_string(olen) + " exceeds the block size", at);
    if ((olen == 0) != (clen == 0)) return bad("inconsistent block lengths", at);
    if (method == kMethodRaw && olen != clen) return bad("raw block lengths differ", at);
    if (clen > LZ4_compressBound(olen)) return bad("compressed length too large", at);
    // An LZ4 sequence turns each input byte into at most ~255 output bytes: a larger claim is
    // a lie, refused before allocating for it.
    if (method == kMethodLz4 && int64_t{olen} > int64_t{clen} * 256 + 64)
      return bad("decompressed length impossible for the compressed length", at);
    if (olen == 0) {
      if (check != 0) return bad("end mark with a non-zero checksum", at);
      open_stream_ = false;  // end of one stream; another may follow
      continue;
    }
    open_stream_ = true;
    auto data = in_.read_exact(compressed_, static_cast<size_t>(clen));
    if (!data.ok()) {
      fail(data.take_error());
      return false;
    }
    if (*data < static_cast<size_t>(clen)) {
      fail(cut_short("input ends inside block " + std::to_string(block_no_), at));
      return false;
    }
    if (method == kMethodRaw) {
      out.swap(compressed_);
    } else {
      out.resize(static_cast<size_t>(olen));
      const int r = LZ4_decompress_safe(compressed_.data(), out.data(), clen, olen);
      if (r != olen) return bad("corrupt lz4 data", at);
    }
    const uint32_t actual = xxh32(out, kSeed) & kChecksumMask;
    if (actual != check) {
      char msg[96];
      std::snprintf(msg, sizeof msg, "checksum mismatch (stored %#010x, computed %#010x)", check,
                    actual);
      return bad(msg, at);
    }
    return true;
  }
}

}  // namespace

io::ByteSourcePtr make_lz4_decoder(io::ByteSourcePtr src, const DecodeLimits& limits) {
  return std::make_unique<Lz4Decoder>(std::move(src), limits);
}

}  // namespace sm::codec::detail
