// Fuzzes the snappy stream decoder: any input must end in clean EOF or an error, never a crash,
// hang, out-of-bounds read or unbounded allocation, and the ByteSource contract must hold.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  sm::codec::DecodeLimits limits;
  limits.max_output_bytes = uint64_t{64} << 20;  // keep each run fast; bombs still hit limits
  limits.ratio_check_after = uint64_t{1} << 20;
  // Two read patterns: large reads, and small odd-sized ones that split every block.
  for (size_t chunk : {size_t{65536}, size_t{7}}) {
    auto dec = sm::codec::make_decoder(sm::codec::Codec::snappy,
                                       sm::io::memory_source("fuzz.snappy", bytes), limits);
    char buf[65536];
    uint64_t total = 0;
    for (;;) {
      auto r = dec->read(std::span<char>(buf, chunk));
      if (!r.ok()) {
        if (r.error().message.empty()) std::abort();
        if (dec->read(std::span<char>(buf, chunk)).ok()) std::abort();  // errors are sticky
        break;
      }
      if (*r > chunk) std::abort();
      if (*r == 0) {
        auto again = dec->read(std::span<char>(buf, chunk));
        if (!again.ok() || *again != 0) std::abort();  // end stays the end
        break;
      }
      total += *r;
      if (total > limits.max_output_bytes) std::abort();
    }
    if (size > 4096) break;  // byte-splitting big inputs only slows the fuzzer down
  }
  return 0;
}
