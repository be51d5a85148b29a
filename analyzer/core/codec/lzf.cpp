#include "codec/lzf.h"

#include <cstring>

namespace sm::codec::detail {

const char* lzf_status_text(LzfStatus s) {
  switch (s) {
    case LzfStatus::ok: return "ok";
    case LzfStatus::input_overrun: return "instruction runs past the end of the chunk";
    case LzfStatus::output_overrun: return "data runs past the declared uncompressed length";
    case LzfStatus::bad_reference: return "back-reference before the start of the chunk";
    case LzfStatus::short_output: return "data ends before the declared uncompressed length";
  }
  return "?";
}

// Instruction set (VanillaChunkDecoder): a control byte c < 32 copies c+1 literal bytes;
// otherwise len = c >> 5 (7 means "7 + next byte"), distance = ((c & 31) << 8 | next byte) + 1,
// and len + 2 bytes are copied from distance bytes back (the regions may overlap).
LzfStatus lzf_decompress(std::span<const char> in, std::span<char> out, size_t* error_pos) {
  size_t ip = 0;
  size_t op = 0;
  const size_t in_end = in.size();
  const size_t out_end = out.size();
  while (ip < in_end) {
    const size_t at = ip;
    *error_pos = at;
    const size_t ctrl = static_cast<unsigned char>(in[ip++]);
    if (ctrl < 32) {
      const size_t len = ctrl + 1;
      if (len > in_end - ip) return LzfStatus::input_overrun;
      if (len > out_end - op) return LzfStatus::output_overrun;
      std::memcpy(out.data() + op, in.data() + ip, len);
      ip += len;
      op += len;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= in_end) return LzfStatus::input_overrun;
      len += static_cast<unsigned char>(in[ip++]);
    }
    if (ip >= in_end) return LzfStatus::input_overrun;
    const size_t dist = ((ctrl & 0x1f) << 8 | static_cast<unsigned char>(in[ip++])) + 1;
    len += 2;
    if (dist > op) return LzfStatus::bad_reference;
    if (len > out_end - op) return LzfStatus::output_overrun;
    char* dst = out.data() + op;
    const char* src = dst - dist;
    if (dist >= len) {
      std::memcpy(dst, src, len);
    } else {
      // Overlapping run (e.g. distance 1 repeats one byte): must copy forward byte by byte.
      for (size_t i = 0; i < len; ++i) dst[i] = src[i];
    }
    op += len;
  }
  *error_pos = ip;
  return op == out_end ? LzfStatus::ok : LzfStatus::short_output;
}

}  // namespace sm::codec::detail
