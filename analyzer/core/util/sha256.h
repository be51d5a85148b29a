#pragma once
// Streaming SHA-256 (FIPS 180-4). The bundle manifest records a digest for every file so the
// analyzer can tell a bundle that was cut or altered in transit from one that was not; files
// can be many GiB, so the hash is fed in pieces and never needs the whole input in memory.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/byte_source.h"
#include "util/result.h"

namespace sm {

class Sha256 {
 public:
  static constexpr size_t kDigestBytes = 32;
  static constexpr size_t kBlockBytes = 64;
  using Digest = std::array<uint8_t, kDigestBytes>;

  Sha256();

  // Feeds more bytes; may be called any number of times before finish().
  void update(std::string_view bytes);
  void update(const void* data, size_t size);

  // Pads, returns the digest, and resets the hasher for reuse.
  Digest finish();
  // finish() as 64 lowercase hex digits (the manifest's form).
  std::string finish_hex();

  static std::string to_hex(const Digest& d);
  // One-shot helpers.
  static std::string hex_of(std::string_view bytes);

 private:
  void reset();
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_{};
  std::array<uint8_t, kBlockBytes> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Hashes a whole stream; returns the hex digest and (through *bytes) how many bytes were read.
Result<std::string> sha256_hex_of(io::ByteSource& src, uint64_t* bytes = nullptr);

// True when s is 64 lowercase hex digits.
bool is_sha256_hex(std::string_view s);

}  // namespace sm
