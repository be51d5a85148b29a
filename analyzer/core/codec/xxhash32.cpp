#include "codec/xxhash32.h"

#include <bit>

namespace sm::codec::detail {
namespace {

constexpr uint32_t kP1 = 0x9E3779B1u;
constexpr uint32_t kP2 = 0x85EBCA77u;
constexpr uint32_t kP3 = 0xC2B2AE3Du;
constexpr uint32_t kP4 = 0x27D4EB2Fu;
constexpr uint32_t kP5 = 0x165667B1u;

// XXH32 reads its input as little-endian words whatever the host order.
uint32_t le32(const char* p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}

uint32_t round(uint32_t acc, uint32_t lane) {
  acc += lane * kP2;
  return std::rotl(acc, 13) * kP1;
}

}  // namespace

uint32_t xxh32(std::span<const char> data, uint32_t seed) {
  const char* p = data.data();
  const char* const end = p + data.size();
  uint32_t h;
  if (data.size() >= 16) {
    uint32_t v1 = seed + kP1 + kP2;
    uint32_t v2 = seed + kP2;
    uint32_t v3 = seed;
    uint32_t v4 = seed - kP1;
    for (; end - p >= 16; p += 16) {
      v1 = round(v1, le32(p));
      v2 = round(v2, le32(p + 4));
      v3 = round(v3, le32(p + 8));
      v4 = round(v4, le32(p + 12));
    }
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
  } else {
    h = seed + kP5;
  }
  h += static_cast<uint32_t>(data.size());  // the length mod 2^32, as the reference does
  for (; end - p >= 4; p += 4) h = std::rotl(h + le32(p) * kP3, 17) * kP4;
  for (; p < end; ++p) h = std::rotl(h + static_cast<unsigned char>(*p) * kP5, 11) * kP1;
  h ^= h >> 15;
  h *= kP2;
  h ^= h >> 13;
  h *= kP3;
  h ^= h >> 16;
  return h;
}

}  // namespace sm::codec::detail
