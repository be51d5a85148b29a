#pragma once
// XXH32 (one shot), as lz4-java's LZ4BlockOutputStream uses it to checksum each block. Written
// here rather than taken from liblz4 because liblz4 does not export its copy.
#include <cstdint>
#include <span>

namespace sm::codec::detail {

uint32_t xxh32(std::span<const char> data, uint32_t seed);

}  // namespace sm::codec::detail
