// SHA-256 against the FIPS 180-2 examples and NIST SHAVS byte-oriented short messages, plus
// padding boundaries and streaming in arbitrary pieces.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "io/byte_source.h"
#include "util/sha256.h"

using sm::Sha256;

namespace {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// The same deterministic pattern the boundary digests were computed for (Python hashlib).
std::string pattern(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>((i * 7 + 3) & 0xff));
  return s;
}

}  // namespace

TEST_CASE("sha256: FIPS 180-2 examples", "[sha256]") {
  CHECK(Sha256::hex_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256::hex_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256::hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256::hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopq"
                       "rstnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("sha256: one million 'a' fed in uneven pieces", "[sha256]") {
  Sha256 h;
  const std::string chunk(997, 'a');
  size_t left = 1000000;
  while (left > 0) {
    size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  CHECK(h.finish_hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: NIST SHAVS short messages", "[sha256]") {
  CHECK(Sha256::hex_of(from_hex("d3")) == "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1");
  CHECK(Sha256::hex_of(from_hex("11af")) == "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98");
  CHECK(Sha256::hex_of(from_hex("74ba2521")) == "b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e");
}

TEST_CASE("sha256: padding boundaries around 56 and 64 bytes", "[sha256]") {
  const std::vector<std::pair<size_t, const char*>> cases = {
      {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
      {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
      {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
      {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
      {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
      {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
      {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
      {127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"},
      {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
  };
  for (const auto& [n, want] : cases) {
    INFO("length " << n);
    CHECK(Sha256::hex_of(pattern(n)) == want);
  }
}

TEST_CASE("sha256: every split point gives the one-shot digest; finish resets", "[sha256]") {
  const std::string msg = pattern(200);
  const std::string want = Sha256::hex_of(msg);
  Sha256 h;
  for (size_t cut = 0; cut <= msg.size(); ++cut) {
    h.update(std::string_view(msg).substr(0, cut));
    h.update(std::string_view(msg).substr(cut));
    REQUIRE(h.finish_hex() == want);  // finish() also resets for the next round
  }
}

TEST_CASE("sha256: hashing a stream and recognising digests", "[sha256]") {
  auto src = sm::io::owned_memory_source("m", "abc");
  uint64_t n = 0;
  auto r = sm::sha256_hex_of(*src, &n);
  REQUIRE(r.ok());
  CHECK(*r == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(n == 3);
  CHECK(sm::is_sha256_hex(*r));
  CHECK_FALSE(sm::is_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  CHECK_FALSE(sm::is_sha256_hex("abc"));
}
