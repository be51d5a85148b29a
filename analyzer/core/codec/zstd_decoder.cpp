// zstd via libzstd's streaming API. ZSTD_decompressStream already walks concatenated frames
// (Spark's event-log writer closes a frame on every flush) and skips skippable frames; this
// class adds truncation detection, error mapping and the shared limits.
#include <zstd.h>
#include <zstd_errors.h>

#include <memory>

#include "codec/decoder_base.h"
#include "codec/decoders.h"

namespace sm::codec::detail {
namespace {

struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};
using DCtxPtr = std::unique_ptr<ZSTD_DCtx, DCtxFree>;

// 2^27 = 128 MiB, libzstd's own default ceiling for a frame's window (what `zstd -d` accepts
// without --memory). Spark's writer uses far less (512 KiB at level 1..3); a frame asking for
// more is refused instead of allocating what its header says.
constexpr int kWindowLogMax = 27;

class ZstdDecoder final : public DecoderBase {
 public:
  ZstdDecoder(io::ByteSourcePtr src, const DecodeLimits& limits)
      : DecoderBase(std::move(src), Codec::zstd, limits), dctx_(ZSTD_createDCtx()) {
    if (!dctx_ ||
        ZSTD_isError(ZSTD_DCtx_setParameter(dctx_.get(), ZSTD_d_windowLogMax, kWindowLogMax)))
      fail(Error::internal(name() + ": zstd: cannot create a decompression context"));
  }

 private:
  size_t produce(std::span<char> out) override;

  DCtxPtr dctx_;
  bool mid_frame_ = false;  // the last call left a frame unfinished
  bool done_ = false;
};

size_t ZstdDecoder::produce(std::span<char> out) {
  size_t n = 0;
  while (n < out.size() && !done_ && !failed()) {
    if (in_.data().empty()) {
      if (n > 0) break;  // deliver before blocking on more input
      auto f = in_.fill();
      if (!f.ok()) {
        fail(f.take_error());
        break;
      }
    }
    auto avail = in_.data();  // empty at end of input: the call then only flushes
    ZSTD_inBuffer zin{avail.data(), avail.size(), 0};
    ZSTD_outBuffer zout{out.data() + n, out.size() - n, 0};
    const uint64_t offset = in_.offset();
    const size_t rc = ZSTD_decompressStream(dctx_.get(), &zout, &zin);
    in_.consume(zin.pos);
    n += zout.pos;
    if (ZSTD_isError(rc)) {
      const ZSTD_ErrorCode code = ZSTD_getErrorCode(rc);
      std::string what = ZSTD_getErrorName(rc);
      if (code == ZSTD_error_frameParameter_windowTooLarge || code == ZSTD_error_memory_allocation)
        fail(too_big(what, offset + zin.pos));
      else
        fail(corrupt(what, offset + zin.pos));
      break;
    }
    if (zin.pos > 0 || zout.pos > 0) {
      // rc == 0 means a frame just ended and everything it held has been written out.
      mid_frame_ = rc != 0;
      continue;
    }
    // No progress with room left in out: the decoder needs input we do not have.
    if (!in_.at_end()) {
      fail(Error::internal(name() + ": zstd: ZSTD_decompressStream made no progress"));
    } else if (mid_frame_) {
      fail(cut_short("input ends inside a zstd frame", in_.offset()));
    } else {
      done_ = true;
    }
  }
  return n;
}

}  // namespace

io::ByteSourcePtr make_zstd_decoder(io::ByteSourcePtr src, const DecodeLimits& limits) {
  return std::make_unique<ZstdDecoder>(std::move(src), limits);
}

}  // namespace sm::codec::detail
