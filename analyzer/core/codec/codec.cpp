#include "codec/codec.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <utility>

#include "codec/decoders.h"

namespace sm::codec {
namespace {

// Enough leading bytes for every magic, and for a UTF-8 BOM plus some blank lines before '{'.
constexpr size_t kPeekBytes = 64;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

bool ends_with_dot(std::string_view name, std::string_view ext) {
  return name.size() > ext.size() && name.ends_with(ext) && name[name.size() - ext.size() - 1] == '.';
}

// Plain JSON lines, as an uncompressed event log starts: '{' after optional BOM/whitespace.
bool looks_like_json(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  return i < head.size() && head[i] == '{';
}

}  // namespace

std::string_view codec_name(Codec c) {
  switch (c) {
    case Codec::none: return "none";
    case Codec::gzip: return "gzip";
    case Codec::zstd: return "zstd";
    case Codec::lz4: return "lz4";
    case Codec::snappy: return "snappy";
    case Codec::lzf: return "lzf";
  }
  return "unknown";
}

Codec codec_from_file_name(std::string_view file_name) {
  // Only the last path component counts ("dir.zstd/app-1" is not compressed); ':' separates an
  // archive from its entry in bundle names.
  size_t slash = file_name.find_last_of("/\\:");
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  std::string name = lower(file_name);
  // Spark appends these after the codec suffix: in-progress logs and compacted rolling logs.
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::string_view suffix : {".inprogress", ".compact"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        name.resize(name.size() - suffix.size());
        stripped = true;
      }
    }
  }
  static constexpr std::array<std::pair<std::string_view, Codec>, 7> kSuffixes{{
      {"lz4", Codec::lz4},
      {"lzf", Codec::lzf},
      {"snappy", Codec::snappy},
      {"zstd", Codec::zstd},
      {"zst", Codec::zstd},
      {"gz", Codec::gzip},
      {"gzip", Codec::gzip},
  }};
  for (const auto& [ext, codec] : kSuffixes)
    if (ends_with_dot(name, ext)) return codec;
  return Codec::none;
}

std::optional<Codec> codec_from_magic(std::string_view head) {
  auto u = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 2 && u(0) == 0x1f && u(1) == 0x8b) return Codec::gzip;
  if (head.size() >= 4 && u(0) == 0x28 && u(1) == 0xb5 && u(2) == 0x2f && u(3) == 0xfd)
    return Codec::zstd;
  // A zstd stream may also open with a skippable frame (magic 0x184D2A50..5F, little-endian).
  if (head.size() >= 4 && (u(0) & 0xf0) == 0x50 && u(1) == 0x2a && u(2) == 0x4d && u(3) == 0x18)
    return Codec::zstd;
  if (head.starts_with("LZ4Block")) return Codec::lz4;
  if (head.starts_with(std::string_view("\x82SNAPPY\0", 8))) return Codec::snappy;
  // The standard snappy framing format's stream identifier (accepted by the snappy decoder).
  if (head.starts_with(std::string_view("\xff\x06\x00\x00sNaPpY", 10))) return Codec::snappy;
  if (head.size() >= 3 && head[0] == 'Z' && head[1] == 'V' && (head[2] == 0 || head[2] == 1))
    return Codec::lzf;
  return std::nullopt;
}

io::ByteSourcePtr make_decoder(Codec codec, io::ByteSourcePtr src, const DecodeLimits& limits) {
  switch (codec) {
    case Codec::none: return src;
    case Codec::gzip: return detail::make_gzip_decoder(std::move(src), limits);
    case Codec::zstd: return detail::make_zstd_decoder(std::move(src), limits);
    case Codec::lz4: return detail::make_lz4_decoder(std::move(src), limits);
    case Codec::snappy: return detail::make_snappy_decoder(std::move(src), limits);
    case Codec::lzf: return detail::make_lzf_decoder(std::move(src), limits);
  }
  return src;
}

Result<DecodedStream> open_decoded(io::ByteSourcePtr src, std::string_view file_name,
                                   const DecodeLimits& limits) {
  DecodedStream out;
  const std::string label = file_name.empty() ? src->name() : std::string(file_name);
  const Codec named = codec_from_file_name(file_name);
  auto raw = std::make_unique<io::PeekableSource>(std::move(src));
  auto head = raw->peek(kPeekBytes);
  if (!head.ok()) return head.take_error();

  Codec outer = named;
  if (auto magic = codec_from_magic(*head)) {
    outer = *magic;
    if (named == Codec::none)
      out.warnings.push_back(label + ": file name names no codec but content is " +
                             std::string(codec_name(outer)) + "; decoding as " +
                             std::string(codec_name(outer)));
    else if (named != outer)
      out.warnings.push_back(label + ": file name says " + std::string(codec_name(named)) +
                             " but content is " + std::string(codec_name(outer)) +
                             "; decoding as " + std::string(codec_name(outer)));
  } else if (named != Codec::none && looks_like_json(*head)) {
    // Someone decompressed the log but kept its name (or Spark wrote it uncompressed).
    outer = Codec::none;
    out.warnings.push_back(label + ": file name says " + std::string(codec_name(named)) +
                           " but content is plain JSON; reading it uncompressed");
  }
  // Otherwise: no magic and a codec name means a damaged or cut-off stream (or an empty
  // in-progress file): the named decoder reports what is wrong with it.
  out.codec = outer;
  io::ByteSourcePtr stream = make_decoder(outer, std::move(raw), limits);
  if (outer != Codec::none) {
    // One nested layer (a gzip holding a zstd log), never more: max depth 2.
    auto decoded = std::make_unique<io::PeekableSource>(std::move(stream));
    auto inner_head = decoded->peek(kPeekBytes);
    // A peek error is not reported here: the decoder's error is sticky and the caller's
    // first read returns it, after the bytes decoded before it.
    std::optional<Codec> inner = inner_head.ok() ? codec_from_magic(*inner_head) : std::nullopt;
    if (inner) {
      out.warnings.push_back(label + ": " + std::string(codec_name(outer)) + " content holds " +
                             std::string(codec_name(*inner)) +
                             "-compressed data; decoding both layers");
      stream = make_decoder(*inner, std::move(decoded), limits);
    } else {
      stream = std::move(decoded);
    }
  }
  out.stream = std::move(stream);
  return out;
}

}  // namespace sm::codec
