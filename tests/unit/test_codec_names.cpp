// Codec naming and detection, and the two hand-written algorithms (XXH32, LZF) checked against
// reference values and real Spark-written chunks.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "codec/codec.h"
#include "codec/lzf.h"
#include "codec/xxhash32.h"

using sm::codec::Codec;

namespace {

std::string slurp(const std::string& rel) {
  std::ifstream in(std::string(SM_TEST_DATA) + "/codec/" + rel, std::ios::binary);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("codec: codec_name covers every codec", "[codec]") {
  CHECK(sm::codec::codec_name(Codec::none) == "none");
  CHECK(sm::codec::codec_name(Codec::gzip) == "gzip");
  CHECK(sm::codec::codec_name(Codec::zstd) == "zstd");
  CHECK(sm::codec::codec_name(Codec::lz4) == "lz4");
  CHECK(sm::codec::codec_name(Codec::snappy) == "snappy");
  CHECK(sm::codec::codec_name(Codec::lzf) == "lzf");
}

TEST_CASE("codec: codec_from_file_name reads Spark's suffixes", "[codec]") {
  using sm::codec::codec_from_file_name;
  CHECK(codec_from_file_name("app-1.zstd") == Codec::zstd);
  CHECK(codec_from_file_name("events_1_app-1.lz4") == Codec::lz4);
  CHECK(codec_from_file_name("x.gz") == Codec::gzip);
  CHECK(codec_from_file_name("x.json.gzip") == Codec::gzip);
  CHECK(codec_from_file_name("app-1.snappy.inprogress") == Codec::snappy);
  CHECK(codec_from_file_name("events_2_app.zstd.compact") == Codec::zstd);
  CHECK(codec_from_file_name("app-1.lzf") == Codec::lzf);
  CHECK(codec_from_file_name("app-1.zst") == Codec::zstd);
  CHECK(codec_from_file_name("APP-1.LZ4") == Codec::lz4);
  CHECK(codec_from_file_name("/logs/eventlog_v2_app-1/events_1_app-1.zstd") == Codec::zstd);
  CHECK(codec_from_file_name("bundle.tar.zst:eventlogs/app-1.lz4") == Codec::lz4);
  CHECK(codec_from_file_name("bundle.tar.zst:eventlogs/app-1") == Codec::none);
  CHECK(codec_from_file_name("logs.zstd/app-1") == Codec::none);
  CHECK(codec_from_file_name("app-1") == Codec::none);
  CHECK(codec_from_file_name("app-1.inprogress") == Codec::none);
  CHECK(codec_from_file_name("app-1.json") == Codec::none);
  CHECK(codec_from_file_name("lz4") == Codec::none);
  CHECK(codec_from_file_name("app-1.xlz4") == Codec::none);
  CHECK(codec_from_file_name("") == Codec::none);
}

TEST_CASE("codec: codec_from_magic recognises real Spark-written streams", "[codec]") {
  using sm::codec::codec_from_magic;
  CHECK(codec_from_magic(slurp("lz4/normal.lz4")) == Codec::lz4);
  CHECK(codec_from_magic(slurp("lz4/empty.lz4")) == Codec::lz4);
  CHECK(codec_from_magic(slurp("lzf/normal.lzf")) == Codec::lzf);
  CHECK(codec_from_magic(slurp("snappy/normal.snappy")) == Codec::snappy);
  CHECK(codec_from_magic(slurp("snappy/empty.snappy")) == Codec::snappy);
  CHECK(codec_from_magic(slurp("snappy/framed.sz")) == Codec::snappy);
  CHECK(codec_from_magic(slurp("zstd/normal.zstd")) == Codec::zstd);
  CHECK(codec_from_magic(slurp("zstd/empty.zstd")) == Codec::zstd);
  CHECK(codec_from_magic(slurp("gzip/plain.json.gz")) == Codec::gzip);
  CHECK(codec_from_magic(slurp("plain.json")) == std::nullopt);
  CHECK(codec_from_magic("") == std::nullopt);
  // Too short to prove anything.
  CHECK(codec_from_magic("\x1f") == std::nullopt);
  CHECK(codec_from_magic(std::string_view("\x28\xb5\x2f", 3)) == std::nullopt);
  CHECK(codec_from_magic("LZ4Bloc") == std::nullopt);
  CHECK(codec_from_magic("ZV") == std::nullopt);
  CHECK(codec_from_magic(std::string_view("ZV\x02", 3)) == std::nullopt);
  CHECK(codec_from_magic(std::string_view("\x82SNAPPY", 7)) == std::nullopt);
  // A zstd stream may begin with a skippable frame.
  CHECK(codec_from_magic(std::string_view("\x5a\x2a\x4d\x18", 4)) == Codec::zstd);
}

TEST_CASE("codec: XXH32 matches lz4-java's values", "[codec][xxhash]") {
  using sm::codec::detail::xxh32;
  // Published reference values.
  CHECK(xxh32(std::string_view(""), 0) == 0x02CC5D05u);
  CHECK(xxh32(std::string_view("a"), 0) == 0x550D7456u);
  CHECK(xxh32(std::string_view("abc"), 0) == 0x32D153FFu);
  // Values lz4-java computed (make_codec_vectors.py), with and without its block seed.
  const std::string plain = slurp("plain.json");
  std::istringstream vectors(slurp("xxh32_vectors.txt"));
  std::string line;
  int checked = 0;
  while (std::getline(vectors, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string seed_s, input_s, want_s;
    f >> seed_s >> input_s >> want_s;
    std::string input;
    if (input_s.rfind("plain:", 0) == 0) {
      input = plain.substr(0, std::stoul(input_s.substr(6)));
    } else if (input_s != "-") {
      for (size_t i = 0; i + 1 < input_s.size(); i += 2)
        input.push_back(static_cast<char>(std::stoi(input_s.substr(i, 2), nullptr, 16)));
    }
    const auto seed = static_cast<uint32_t>(std::stoul(seed_s, nullptr, 16));
    const auto want = static_cast<uint32_t>(std::stoul(want_s, nullptr, 16));
    INFO(line);
    CHECK(xxh32(input, seed) == want);
    ++checked;
  }
  CHECK(checked == 22);
}

TEST_CASE("codec: LZF block decoder: real chunk and its bounds checks", "[codec][lzf]") {
  using sm::codec::detail::lzf_decompress;
  using sm::codec::detail::LzfStatus;
  // normal.lzf is one compressed chunk: "ZV" 01 | clen (u16 BE) | ulen (u16 BE) | data.
  const std::string file = slurp("lzf/normal.lzf");
  const std::string plain = slurp("plain.json");
  REQUIRE(file.size() > 7);
  REQUIRE(file[2] == 1);
  auto u16 = [&](size_t at) {
    return static_cast<size_t>(static_cast<unsigned char>(file[at])) << 8 |
           static_cast<unsigned char>(file[at + 1]);
  };
  const size_t clen = u16(3);
  const size_t ulen = u16(5);
  REQUIRE(7 + clen == file.size());
  REQUIRE(ulen == plain.size());
  std::string body = file.substr(7);
  size_t pos = 0;

  std::string out(ulen, '\0');
  REQUIRE(lzf_decompress(body, out, &pos) == LzfStatus::ok);
  CHECK(out == plain);

  std::string small(ulen - 1, '\0');
  CHECK(lzf_decompress(body, small, &pos) == LzfStatus::output_overrun);
  std::string big(ulen + 1, '\0');
  CHECK(lzf_decompress(body, big, &pos) == LzfStatus::short_output);
  CHECK(lzf_decompress(std::string_view(body).substr(0, body.size() - 1), out, &pos) !=
        LzfStatus::ok);
  // The chunk opens with a literal run; turned into a back-reference it points before the
  // start of the output.
  REQUIRE(static_cast<unsigned char>(body[0]) < 32);
  std::string bad = body;
  bad[0] = '\x20';
  CHECK(lzf_decompress(bad, out, &pos) == LzfStatus::bad_reference);
  // A literal run longer than the remaining input.
  CHECK(lzf_decompress(std::string_view(body).substr(0, 3), out, &pos) ==
        LzfStatus::input_overrun);
  // Nothing in, nothing out.
  std::string none;
  CHECK(lzf_decompress(std::string_view(), none, &pos) == LzfStatus::ok);
}
