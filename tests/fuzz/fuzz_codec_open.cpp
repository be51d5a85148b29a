// Fuzzes open_decoded (codec choice by name and magic, nested unwrap) under every file name
// suffix, so mismatches and nested layers are all reached from one input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  sm::codec::DecodeLimits limits;
  limits.max_output_bytes = uint64_t{64} << 20;
  limits.ratio_check_after = uint64_t{1} << 20;
  for (const char* name : {"app-1", "app-1.gz", "app-1.zstd", "app-1.lz4.inprogress",
                           "app-1.snappy", "app-1.lzf"}) {
    auto opened = sm::codec::open_decoded(sm::io::memory_source(name, bytes), name, limits);
    if (!opened.ok()) std::abort();  // memory sources cannot fail to peek
    auto& stream = *opened->stream;
    char buf[4096];
    uint64_t total = 0;
    for (;;) {
      auto r = stream.read(std::span<char>(buf, sizeof buf));
      if (!r.ok() || *r == 0) break;
      total += *r;
      if (total > 2 * limits.max_output_bytes + size) std::abort();
    }
  }
  return 0;
}
