// open_decoded: the codec from the name, confirmed (or overruled) by the bytes, plus one nested
// layer, on Spark-written streams from tests/data/codec.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>

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

struct Opened {
  Codec codec = Codec::none;
  std::vector<std::string> warnings;
  std::string data;
  std::optional<sm::Error> error;
};

Opened open_bytes(const std::string& file_name, std::string bytes) {
  auto r = sm::codec::open_decoded(sm::io::owned_memory_source("/in/" + file_name, std::move(bytes)),
                                   file_name);
  REQUIRE(r.ok());
  Opened o;
  o.codec = r->codec;
  o.warnings = r->warnings;
  char buf[777];  // odd size on purpose
  for (;;) {
    auto n = r->stream->read(std::span<char>(buf, sizeof buf));
    if (!n.ok()) {
      o.error = n.error();
      break;
    }
    if (*n == 0) break;
    o.data.append(buf, *n);
  }
  return o;
}

}  // namespace

TEST_CASE("codec: open_decoded decodes correctly named Spark logs without warnings", "[codec]") {
  for (auto [codec, ext] : {std::pair{Codec::lz4, "lz4"}, std::pair{Codec::lzf, "lzf"},
                            std::pair{Codec::snappy, "snappy"}, std::pair{Codec::zstd, "zstd"}}) {
    const std::string name = std::string("app-1.") + ext;
    INFO(name);
    auto o = open_bytes(name, slurp(std::string(ext) + "/flushed." + ext));
    CHECK(o.codec == codec);
    CHECK(o.warnings.empty());
    CHECK_FALSE(o.error.has_value());
    CHECK(o.data == plain());
    // Spark's in-progress name for the same stream.
    auto ip = open_bytes(name + ".inprogress", slurp(std::string(ext) + "/truncated." + ext));
    CHECK(ip.codec == codec);
    CHECK(ip.warnings.empty());
    REQUIRE(ip.error.has_value());
    CHECK(ip.error->kind == ErrorKind::truncated);
    CHECK(plain().compare(0, ip.data.size(), ip.data) == 0);
  }
  auto gz = open_bytes("app-1.json.gz", slurp("gzip/concat.json.gz"));
  CHECK(gz.codec == Codec::gzip);
  CHECK(gz.warnings.empty());
  CHECK(gz.data == plain());
}

TEST_CASE("codec: open_decoded: the bytes win over a wrong name, with a warning", "[codec]") {
  auto o = open_bytes("app-misnamed.zstd", slurp("nested/app-misnamed.zstd"));
  CHECK(o.codec == Codec::gzip);
  REQUIRE(o.warnings.size() == 1);
  CHECK(o.warnings[0] ==
        "app-misnamed.zstd: file name says zstd but content is gzip; decoding as gzip");
  CHECK_FALSE(o.error.has_value());
  CHECK(o.data == plain());

  auto lz = open_bytes("events_1_app.snappy", slurp("lz4/normal.lz4"));
  CHECK(lz.codec == Codec::lz4);
  REQUIRE(lz.warnings.size() == 1);
  CHECK(lz.warnings[0].find("says snappy but content is lz4") != std::string::npos);
  CHECK(lz.data == plain());

  // No codec in the name but compressed content: decoded, and said so.
  auto bare = open_bytes("app-1", slurp("zstd/normal.zstd"));
  CHECK(bare.codec == Codec::zstd);
  REQUIRE(bare.warnings.size() == 1);
  CHECK(bare.warnings[0].find("app-1: ") == 0);
  CHECK(bare.data == plain());
}

TEST_CASE("codec: open_decoded: a codec name on plain JSON reads it as plain", "[codec]") {
  auto o = open_bytes("app-1.lz4", plain());
  CHECK(o.codec == Codec::none);
  REQUIRE(o.warnings.size() == 1);
  CHECK(o.warnings[0].find("app-1.lz4: file name says lz4 but content is plain JSON") == 0);
  CHECK(o.data == plain());

  const std::string bom = "\xEF\xBB\xBF\r\n  \t" + plain();
  auto b = open_bytes("app-1.zstd.inprogress", bom);
  CHECK(b.codec == Codec::none);
  CHECK(b.warnings.size() == 1);
  CHECK(b.data == bom);
}

TEST_CASE("codec: open_decoded: no codec name and no magic is plain", "[codec]") {
  auto o = open_bytes("app-1", plain());
  CHECK(o.codec == Codec::none);
  CHECK(o.warnings.empty());
  CHECK(o.data == plain());

  auto junk = open_bytes("notes.txt", "not a log\n");
  CHECK(junk.codec == Codec::none);
  CHECK(junk.data == "not a log\n");

  auto empty = open_bytes("app-2", "");
  CHECK(empty.codec == Codec::none);
  CHECK(empty.data.empty());
  CHECK_FALSE(empty.error.has_value());
}

TEST_CASE("codec: open_decoded: a codec name on junk lets the decoder report it", "[codec]") {
  auto o = open_bytes("app-1.lzf", "garbage that is not json");
  CHECK(o.codec == Codec::lzf);
  REQUIRE(o.error.has_value());
  CHECK(o.error->kind == ErrorKind::bad_input);
  CHECK(o.error->message.find("/in/app-1.lzf") == 0);

  // An in-progress file nothing has been flushed to yet.
  auto fresh = open_bytes("app-1.lz4.inprogress", "");
  CHECK(fresh.codec == Codec::lz4);
  CHECK(fresh.data.empty());
  CHECK_FALSE(fresh.error.has_value());
}

TEST_CASE("codec: open_decoded unwraps one nested layer", "[codec]") {
  auto o = open_bytes("app-nested.gz", slurp("nested/app-nested.gz"));
  CHECK(o.codec == Codec::gzip);
  REQUIRE(o.warnings.size() == 1);
  CHECK(o.warnings[0] ==
        "app-nested.gz: gzip content holds zstd-compressed data; decoding both layers");
  CHECK_FALSE(o.error.has_value());
  CHECK(o.data == plain());

  // The outer layer cut short: the inner decoder passes the outer truncation on.
  std::string cut = slurp("nested/app-nested.gz");
  cut.resize(cut.size() / 2);
  auto t = open_bytes("app-nested.gz", cut);
  REQUIRE(t.error.has_value());
  CHECK(t.error->kind == ErrorKind::truncated);
  CHECK(plain().compare(0, t.data.size(), t.data) == 0);
}

TEST_CASE("codec: open_decoded on an outer stream broken within its first bytes", "[codec]") {
  // The peek for a nested layer fails; the error must still reach the reader.
  std::string gz = slurp("gzip/plain.json.gz").substr(0, 12);
  auto o = open_bytes("x.gz", gz);
  CHECK(o.codec == Codec::gzip);
  REQUIRE(o.error.has_value());
  CHECK(o.error->kind == ErrorKind::truncated);
  CHECK(o.data.empty());
}
