// gzip via zlib, member after member: `gzip -c a >> b` and pigz/bgzip output are concatenations
// of complete gzip members, and gzip(1) decodes them as one stream.
#define ZLIB_CONST  // next_in becomes const, so no const_cast is needed
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "codec/decoder_base.h"
#include "codec/decoders.h"

namespace sm::codec::detail {
namespace {

// Owns a z_stream set up for inflate; inflateEnd runs exactly once.
class Inflater {
 public:
  Inflater() = default;
  ~Inflater() {
    if (live_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // 15 + 32: 32 KiB window, gzip or zlib header detected automatically.
  bool init() {
    live_ = inflateInit2(&z_, 15 + 32) == Z_OK;
    return live_;
  }
  bool reset() { return inflateReset(&z_) == Z_OK; }
  z_stream& z() { return z_; }

 private:
  z_stream z_{};
  bool live_ = false;
};

class GzipDecoder final : public DecoderBase {
 public:
  GzipDecoder(io::ByteSourcePtr src, const DecodeLimits& limits)
      : DecoderBase(std::move(src), Codec::gzip, limits) {
    if (!inflater_.init()) fail(Error::internal(name() + ": gzip: cannot initialise zlib"));
  }

 private:
  size_t produce(std::span<char> out) override;
  // Between members: decide whether another member follows. False at the end or on error.
  bool start_next_member();

  Inflater inflater_;
  bool in_member_ = false;
  bool first_member_ = true;
  bool done_ = false;
};

bool GzipDecoder::start_next_member() {
  auto have = in_.ensure(2);
  if (!have.ok()) {
    fail(have.take_error());
    return false;
  }
  if (*have == 0) {
    done_ = true;  // clean end (an empty input decodes to nothing)
    return false;
  }
  if (first_member_) {
    // The first member's header is checked by zlib itself, which also names what is wrong.
    first_member_ = false;
    in_member_ = true;
    return true;
  }
  auto d = in_.data();
  if (d[0] == '\0') {
    // Zero padding after the last member (tape blocks, preallocated files) is ignored, as
    // gzip(1) does; anything else after it is garbage.
    while (!in_.at_end()) {
      auto f = in_.fill();
      if (!f.ok()) {
        fail(f.take_error());
        return false;
      }
      if (!*f) break;
      d = in_.data();
      auto nz = std::find_if(d.begin(), d.end(), [](char c) { return c != '\0'; });
      if (nz != d.end()) {
        in_.consume(static_cast<size_t>(nz - d.begin()));
        fail(corrupt("non-zero bytes after zero padding at the end of the stream", in_.offset()));
        return false;
      }
      in_.consume(d.size());
    }
    done_ = true;
    return false;
  }
  if (d.size() == 1 && static_cast<unsigned char>(d[0]) == 0x1f) {
    fail(cut_short("input ends inside a gzip member header", in_.offset()));
    return false;
  }
  if (d.size() < 2 || static_cast<unsigned char>(d[0]) != 0x1f ||
      static_cast<unsigned char>(d[1]) != 0x8b) {
    fail(corrupt("trailing garbage after the last gzip member", in_.offset()));
    return false;
  }
  if (!inflater_.reset()) {
    fail(Error::internal(name() + ": gzip: inflateReset failed"));
    return false;
  }
  in_member_ = true;
  return true;
}

size_t GzipDecoder::produce(std::span<char> out) {
  z_stream& z = inflater_.z();
  size_t n = 0;
  while (n < out.size() && !done_ && !failed()) {
    if (!in_member_) {
      if (n > 0) break;  // deliver before looking for another member
      if (!start_next_member()) break;
      continue;
    }
    if (in_.data().empty()) {
      if (n > 0) break;  // deliver before blocking on more input
      auto f = in_.fill();
      if (!f.ok()) {
        fail(f.take_error());
        break;
      }
    }
    auto avail = in_.data();  // may be empty at end of input: inflate still drains its state
    z.next_in = reinterpret_cast<const Bytef*>(avail.data());
    z.avail_in = static_cast<uInt>(avail.size());  // the input buffer is 64 KiB
    z.next_out = reinterpret_cast<Bytef*>(out.data() + n);
    z.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - n, UINT_MAX));
    const uInt out_before = z.avail_out;
    const uint64_t offset = in_.offset();
    int rc = inflate(&z, Z_NO_FLUSH);
    const size_t used = avail.size() - z.avail_in;
    const size_t made = out_before - z.avail_out;
    in_.consume(used);
    n += made;
    if (rc == Z_STREAM_END) {
      in_member_ = false;
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (used == 0 && made == 0) {
        // No progress with the output not full: zlib needs input that is not there.
        if (in_.at_end()) fail(cut_short("input ends inside a gzip member", in_.offset()));
        else fail(Error::internal(name() + ": gzip: inflate made no progress"));
      }
      continue;
    }
    const char* msg = z.msg != nullptr ? z.msg : "corrupt deflate data";
    if (rc == Z_MEM_ERROR) fail(Error::internal(name() + ": gzip: out of memory"));
    else fail(corrupt(msg, offset + used));
  }
  return n;
}

}  // namespace

io::ByteSourcePtr make_gzip_decoder(io::ByteSourcePtr src, const DecodeLimits& limits) {
  return std::make_unique<GzipDecoder>(std::move(src), limits);
}

}  // namespace sm::codec::detail
