// ning compress-lzf's chunk framing, which Spark's LZFCompressionCodec writes through
// LZFOutputStream (and PLZFOutputStream) (compress-lzf LZFChunk.java, ChunkEncoder.java,
// impl/VanillaChunkDecoder.java):
//   'Z' 'V' 0x00 | length (u16 BE) | stored bytes
//   'Z' 'V' 0x01 | compressed length (u16 BE) | uncompressed length (u16 BE) | LZF data
// There is no stream header and no end mark, so a clean end between chunks is the end.
#include <array>
#include <memory>

#include "codec/decoder_base.h"
#include "codec/decoders.h"
#include "codec/lzf.h"

namespace sm::codec::detail {
namespace {

size_t be16(const char* p) {
  return static_cast<size_t>(static_cast<unsigned char>(p[0])) << 8 |
         static_cast<size_t>(static_cast<unsigned char>(p[1]));
}

class LzfDecoder final : public BlockDecoder {
 public:
  LzfDecoder(io::ByteSourcePtr src, const DecodeLimits& limits)
      : BlockDecoder(std::move(src), Codec::lzf, limits) {}

 private:
  bool next_block(std::string& out) override;
  bool stop(Error e) {
    fail(std::move(e));
    return false;
  }

  std::string compressed_;
};

bool LzfDecoder::next_block(std::string& out) {
  const uint64_t at = in_.offset();
  std::array<char, 7> h{};
  auto got = in_.read_exact(std::span<char>(h.data(), 5));
  if (!got.ok()) return stop(got.take_error());
  if (*got == 0) return false;
  if (*got < 5) return stop(cut_short("input ends inside a chunk header", at));
  if (h[0] != 'Z' || h[1] != 'V') return stop(corrupt("bad chunk signature (expected 'ZV')", at));
  // The Java reader treats any type but 0 as compressed; the writer only emits 0 and 1, so
  // anything else is corruption.
  const int type = static_cast<unsigned char>(h[2]);
  if (type != 0 && type != 1) return stop(corrupt("unknown chunk type " + std::to_string(type), at));
  const size_t len = be16(h.data() + 3);  // u16: at most 64 KiB, no hostile allocation
  if (type == 0) {
    auto data = in_.read_exact(out, len);
    if (!data.ok()) return stop(data.take_error());
    if (*data < len) return stop(cut_short("input ends inside a chunk", at));
    return true;
  }
  auto ulen_got = in_.read_exact(std::span<char>(h.data() + 5, 2));
  if (!ulen_got.ok()) return stop(ulen_got.take_error());
  if (*ulen_got < 2) return stop(cut_short("input ends inside a chunk header", at));
  const size_t ulen = be16(h.data() + 5);
  auto data = in_.read_exact(compressed_, len);
  if (!data.ok()) return stop(data.take_error());
  if (*data < len) return stop(cut_short("input ends inside a chunk", at));
  out.resize(ulen);
  size_t pos = 0;
  const LzfStatus s = lzf_decompress(compressed_, out, &pos);
  if (s != LzfStatus::ok)
    return stop(corrupt(std::string("corrupt LZF chunk: ") + lzf_status_text(s) +
                            " (chunk byte " + std::to_string(pos) + ")",
                        at));
  return true;
}

}  // namespace

io::ByteSourcePtr make_lzf_decoder(io::ByteSourcePtr src, const DecodeLimits& limits) {
  return std::make_unique<LzfDecoder>(std::move(src), limits);
}

}  // namespace sm::codec::detail
