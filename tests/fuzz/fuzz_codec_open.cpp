// Fuzzes open_decoded (codec choice by name and magic, the plain-JSON fallback, the nested
// unwrap). The file name comes from the input length, so mutations that grow or shrink an
// input move it through every suffix, matching and mismatching its content.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr std::array<const char*, 6> kNames{"app-1",        "app-1.gz",  "app-1.zstd",
                                              "app-1.lz4.inprogress", "app-1.snappy", "app-1.lzf"};
  const char* name = kNames[size % kNames.size()];
  sm::codec::DecodeLimits limits;
  limits.max_output_bytes = uint64_t{64} << 20;
  limits.ratio_check_after = uint64_t{256} << 10;
  auto opened = sm::codec::open_decoded(sm::io::memory_source(name, bytes), name, limits);
  if (!opened.ok()) std::abort();  // a memory source cannot fail to peek
  for (const auto& w : opened->warnings)
    if (w.empty() || w.find('\n') != std::string::npos) std::abort();
  auto& stream = *opened->stream;
  static char buf[4096];
  uint64_t total = 0;
  for (;;) {
    auto r = stream.read(std::span<char>(buf, sizeof buf));
    if (!r.ok() || *r == 0) break;
    total += *r;
    // The innermost decoder (or the plain input) bounds what comes out.
    if (total > limits.max_output_bytes + size) std::abort();
  }
  return 0;
}
