// The stream decoders on streams written by Spark 4.0.1's own codecs (tests/data/codec, see
// make_codec_vectors.py), and on damaged copies of them.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"

using sm::ErrorKind;
using sm::codec::Codec;

namespace {

std::string slurp(const std::string& rel) {
  std::ifstream in(std::string(SM_TEST_DATA) + "/codec/" + rel, std::ios::binary);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string& plain() {
  static const std::string p = slurp("plain.json");
  return p;
}

struct Drained {
  std::string data;
  std::optional<sm::Error> error;
};

Drained drain(sm::io::ByteSource& s, size_t chunk) {
  Drained d;
  std::string buf(chunk, '\0');
  for (;;) {
    auto r = s.read(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) {
      d.error = r.error();
      // Errors are sticky: the stream stays ended.
      auto again = s.read(std::span<char>(buf.data(), buf.size()));
      REQUIRE_FALSE(again.ok());
      CHECK(again.error().kind == r.error().kind);
      break;
    }
    if (*r == 0) break;
    REQUIRE(*r <= chunk);
    d.data.append(buf.data(), *r);
  }
  return d;
}

Drained decode(Codec c, const std::string& name, const std::string& bytes, size_t chunk = 65536,
               const sm::codec::DecodeLimits& limits = {}) {
  auto dec = sm::codec::make_decoder(c, sm::io::owned_memory_source(name, bytes), limits);
  return drain(*dec, chunk);
}

struct Case {
  Codec codec;
  std::string ext;
};
const std::vector<Case> kSpark = {
    {Codec::lz4, "lz4"}, {Codec::lzf, "lzf"}, {Codec::snappy, "snappy"}, {Codec::zstd, "zstd"}};

bool is_prefix(const std::string& p, const std::string& of) { return of.compare(0, p.size(), p) == 0; }

}  // namespace

TEST_CASE("codec: decoders reproduce plain.json from every Spark codec", "[codec]") {
  for (const auto& c : kSpark) {
    for (std::string kind : {"normal", "flushed"}) {
      const std::string rel = c.ext + "/" + kind + "." + c.ext;
      INFO(rel);
      auto d = decode(c.codec, rel, slurp(rel));
      CHECK_FALSE(d.error.has_value());
      CHECK(d.data == plain());
    }
  }
}

TEST_CASE("codec: decoders handle gzip members, framed snappy and concatenated streams", "[codec]") {
  for (const char* rel : {"gzip/plain.json.gz", "gzip/concat.json.gz"}) {
    INFO(rel);
    auto d = decode(Codec::gzip, rel, slurp(rel));
    CHECK_FALSE(d.error.has_value());
    CHECK(d.data == plain());
  }
  auto framed = decode(Codec::snappy, "framed.sz", slurp("snappy/framed.sz"));
  CHECK_FALSE(framed.error.has_value());
  CHECK(framed.data == plain());
  // Two complete streams appended to one file: lz4 has two end marks, snappy two headers.
  for (const auto& c : kSpark) {
    const std::string rel = c.ext + "/concat." + c.ext;
    INFO(rel);
    auto d = decode(c.codec, rel, slurp(rel));
    CHECK_FALSE(d.error.has_value());
    CHECK(d.data == plain().substr(0, 12 * 1024));
  }
}

TEST_CASE("codec: empty streams decode to nothing", "[codec]") {
  for (const auto& c : kSpark) {
    const std::string rel = c.ext + "/empty." + c.ext;
    INFO(rel);
    auto d = decode(c.codec, rel, slurp(rel));
    CHECK_FALSE(d.error.has_value());
    CHECK(d.data.empty());
    // A zero-byte file (an in-progress log nothing was flushed to yet) is empty too.
    auto zero = decode(c.codec, "zero." + c.ext, "");
    CHECK_FALSE(zero.error.has_value());
    CHECK(zero.data.empty());
  }
  CHECK_FALSE(decode(Codec::gzip, "zero.gz", "").error.has_value());
}

TEST_CASE("codec: cut-off streams deliver what was decodable, then truncated", "[codec]") {
  std::vector<std::pair<Codec, std::string>> files = {{Codec::gzip, "gzip/truncated.json.gz"}};
  for (const auto& c : kSpark) files.emplace_back(c.codec, c.ext + "/truncated." + c.ext);
  for (const auto& [codec, rel] : files) {
    INFO(rel);
    auto d = decode(codec, rel, slurp(rel));
    REQUIRE(d.error.has_value());
    CHECK(d.error->kind == ErrorKind::truncated);
    CHECK(d.error->message.find(rel) != std::string::npos);
    CHECK(is_prefix(d.data, plain()));
    CHECK(d.data.size() < plain().size());
    // The cut follows whole blocks/frames (zlib streams out everything before it).
    CHECK(d.data.size() > 4000);
  }
  // lz4: a stream whose writer was never closed ends at a block boundary without an end mark.
  std::string lz4 = slurp("lz4/normal.lz4");
  lz4.resize(lz4.size() - 21);
  auto d = decode(Codec::lz4, "open.lz4", lz4);
  REQUIRE(d.error.has_value());
  CHECK(d.error->kind == ErrorKind::truncated);
  CHECK(d.data == plain());
}

TEST_CASE("codec: one-byte reads give the same bytes and the same outcome", "[codec]") {
  std::vector<std::pair<Codec, std::string>> files = {{Codec::gzip, "gzip/concat.json.gz"},
                                                      {Codec::gzip, "gzip/truncated.json.gz"},
                                                      {Codec::snappy, "snappy/framed.sz"}};
  for (const auto& c : kSpark)
    for (std::string kind : {"flushed", "truncated", "concat"})
      files.emplace_back(c.codec, c.ext + "/" + kind + "." + c.ext);
  for (const auto& [codec, rel] : files) {
    INFO(rel);
    const std::string bytes = slurp(rel);
    auto whole = decode(codec, rel, bytes);
    auto tiny = decode(codec, rel, bytes, 1);
    CHECK(tiny.data == whole.data);
    CHECK(tiny.error.has_value() == whole.error.has_value());
    if (tiny.error && whole.error) CHECK(tiny.error->kind == whole.error->kind);
  }
}

TEST_CASE("codec: corrupt streams are bad_input naming the source and offset", "[codec]") {
  struct Damage {
    Codec codec;
    std::string rel;
    size_t at;            // byte to change (from the end if from_end)
    char value;
    std::string expect;   // part of the message
    bool from_end = false;
  };
  const std::vector<Damage> damages = {
      {Codec::lz4, "lz4/normal.lz4", 21 + 500, 'X', "block 1"},        // data: checksum/lz4
      {Codec::lz4, "lz4/normal.lz4", 17, '\x01', "checksum mismatch"},  // stored checksum
      {Codec::lz4, "lz4/normal.lz4", 0, 'l', "bad magic"},
      {Codec::lz4, "lz4/normal.lz4", 8, '\x30', "method"},
      {Codec::lz4, "lz4/normal.lz4", 12, '\x40', "block 1"},  // compressed length > bound
      {Codec::lz4, "lz4/normal.lz4", 16, '\x7f', "exceeds the block size"},
      {Codec::lzf, "lzf/normal.lzf", 1, 'W', "signature"},
      {Codec::lzf, "lzf/normal.lzf", 2, '\x05', "chunk type"},
      {Codec::lzf, "lzf/normal.lzf", 5, '\x01', "corrupt LZF chunk"},  // wrong declared size
      {Codec::snappy, "snappy/normal.snappy", 16, '\x7f', "chunk length"},  // ~2 GiB chunk
      {Codec::snappy, "snappy/normal.snappy", 16, '\x80', "chunk length"},  // negative
      {Codec::snappy, "snappy/normal.snappy", 22, '\x7f', "snappy block"},  // length preamble
      {Codec::snappy, "snappy/normal.snappy", 11, '\x00', "version"},
      {Codec::snappy, "snappy/framed.sz", 14, '\x00', "checksum"},  // stored CRC-32C
      {Codec::zstd, "zstd/normal.zstd", 0, '\x29', "zstd"},
      {Codec::zstd, "zstd/normal.zstd", 1, '\x00', "zstd"},  // trailing garbage
      {Codec::gzip, "gzip/plain.json.gz", 6, '\x00', "incorrect data check", true},  // CRC32
      {Codec::gzip, "gzip/plain.json.gz", 2, '\x09', "gzip"},                        // method
  };
  for (const auto& dmg : damages) {
    std::string bytes = slurp(dmg.rel);
    if (dmg.rel == "zstd/normal.zstd" && dmg.at == 1) {
      bytes += "garbage";  // junk after the last frame
    } else {
      const size_t at = dmg.from_end ? bytes.size() - dmg.at : dmg.at;
      REQUIRE(at < bytes.size());
      REQUIRE(bytes[at] != dmg.value);
      bytes[at] = dmg.value;
    }
    INFO(dmg.rel << " @" << dmg.at << " expecting " << dmg.expect);
    auto d = decode(dmg.codec, "damaged-" + dmg.rel, bytes);
    REQUIRE(d.error.has_value());
    INFO(d.error->message);
    CHECK(d.error->kind == ErrorKind::bad_input);
    CHECK(d.error->message.find("damaged-" + dmg.rel) != std::string::npos);
    CHECK(d.error->message.find("compressed offset") != std::string::npos);
    CHECK(d.error->message.find(dmg.expect) != std::string::npos);
    CHECK(d.error->message.find('\n') == std::string::npos);
    CHECK(is_prefix(d.data, plain()));
  }
}

TEST_CASE("codec: a damaged second lz4 block names block 2 after delivering block 1", "[codec]") {
  std::string bytes = slurp("lz4/normal.lz4");
  const size_t second = bytes.find("LZ4Block", 8);
  REQUIRE(second != std::string::npos);
  bytes[second + 21 + 100] ^= 0x55;
  auto d = decode(Codec::lz4, "x.lz4", bytes);
  REQUIRE(d.error.has_value());
  CHECK(d.error->kind == ErrorKind::bad_input);
  CHECK(d.error->message.find("block 2") != std::string::npos);
  CHECK(d.error->message.find("offset " + std::to_string(second)) != std::string::npos);
  CHECK(d.data == plain().substr(0, 32 * 1024));
}

TEST_CASE("codec: decoders refuse input in another format", "[codec]") {
  for (Codec c : {Codec::gzip, Codec::zstd, Codec::lz4, Codec::snappy, Codec::lzf}) {
    INFO(sm::codec::codec_name(c));
    auto d = decode(c, "plain.json", plain());
    REQUIRE(d.error.has_value());
    CHECK(d.error->kind == ErrorKind::bad_input);
    CHECK(d.error->message.rfind("plain.json: ", 0) == 0);
  }
  auto none = decode(Codec::none, "plain.json", plain());
  CHECK_FALSE(none.error.has_value());
  CHECK(none.data == plain());
}

TEST_CASE("codec: decode limits stop bombs", "[codec]") {
  std::vector<std::pair<Codec, std::string>> files = {{Codec::gzip, "gzip/plain.json.gz"},
                                                      {Codec::snappy, "snappy/framed.sz"}};
  for (const auto& c : kSpark) files.emplace_back(c.codec, c.ext + "/normal." + c.ext);
  for (const auto& [codec, rel] : files) {
    INFO(rel);
    const std::string bytes = slurp(rel);
    sm::codec::DecodeLimits cap;
    cap.max_output_bytes = 10000;
    for (size_t chunk : {size_t{1} << 16, size_t{3}}) {
      auto d = decode(codec, rel, bytes, chunk, cap);
      REQUIRE(d.error.has_value());
      CHECK(d.error->kind == ErrorKind::limit);
      CHECK(d.data == plain().substr(0, 10000));
    }
    // Exactly at the cap is not a bomb.
    cap.max_output_bytes = plain().size();
    auto exact = decode(codec, rel, bytes, 4096, cap);
    CHECK_FALSE(exact.error.has_value());
    CHECK(exact.data == plain());
    // Every one of these compresses the log more than 1.5:1.
    sm::codec::DecodeLimits ratio;
    ratio.ratio_check_after = 1000;
    ratio.max_ratio = 1.5;
    auto r = decode(codec, rel, bytes, 4096, ratio);
    REQUIRE(r.error.has_value());
    CHECK(r.error->kind == ErrorKind::limit);
    CHECK(r.error->message.find("ratio") != std::string::npos);
    CHECK(is_prefix(r.data, plain()));
  }
}

TEST_CASE("codec: decoders report the compressed bytes consumed", "[codec]") {
  const std::string bytes = slurp("zstd/normal.zstd");
  auto dec = sm::codec::make_decoder(Codec::zstd, sm::io::owned_memory_source("n.zstd", bytes));
  CHECK(dec->name() == "n.zstd");
  auto d = drain(*dec, 4096);
  CHECK_FALSE(d.error.has_value());
  CHECK(dec->raw_bytes_consumed() == bytes.size());
}
