// Fuzzes the gzip stream decoder: any input must end in clean EOF or an error, never a crash,
// hang, out-of-bounds read or unbounded allocation, and the ByteSource contract must hold.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  sm::codec::DecodeLimits limits;
  limits.max_output_bytes = uint64_t{64} << 20;  // keep each run fast; bombs still hit limits
  limits.ratio_check_after = uint64_t{256} << 10;
  // Pass 0 reads 64 KiB at a time; pass 1 cycles through sizes that split every block and
  // header at different points.
  constexpr std::array<size_t, 5> kMixed{1, 7, 300, 4099, 65536};
  static char buf[65536];
  for (int pass = 0; pass < 2; ++pass) {
    auto dec = sm::codec::make_decoder(sm::codec::Codec::gzip,
                                       sm::io::memory_source("fuzz.gzip", bytes), limits);
    uint64_t total = 0;
    for (size_t i = 0;; ++i) {
      const size_t chunk = pass == 0 ? sizeof buf : kMixed[i % kMixed.size()];
      auto r = dec->read(std::span<char>(buf, chunk));
      if (!r.ok()) {
        if (r.error().message.empty()) std::abort();
        if (dec->read(std::span<char>(buf, chunk)).ok()) std::abort();  // errors are sticky
        break;
      }
      if (*r > chunk) std::abort();
      if (*r == 0) {
        auto again = dec->read(std::span<char>(buf, chunk));
        if (!again.ok() || *again != 0) std::abort();  // the end stays the end
        break;
      }
      total += *r;
      if (total > limits.max_output_bytes) std::abort();
    }
  }
  return 0;
}
