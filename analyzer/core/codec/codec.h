#pragma once
// Stream decoders for every codec Spark writes event logs with, plus gzip (people gzip logs
// before attaching them to tickets). The codec is chosen from the file name and confirmed by
// the leading magic bytes; when they disagree the bytes win and a warning says so.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_source.h"

namespace sm::codec {

enum class Codec { none, gzip, zstd, lz4, snappy, lzf };

std::string_view codec_name(Codec c);

// The codec a file name announces: "app-1.zstd", "events_1_app-1.lz4", "x.gz",
// "app-1.snappy.inprogress", "events_2_app.zstd.compact". Codec::none if no known suffix.
// Spark's short names: lz4, lzf, snappy, zstd (CompressionCodec.shortCompressionCodecNames);
// also .zst and .gz/.gzip.
Codec codec_from_file_name(std::string_view file_name);

// The codec the leading bytes prove, or nullopt when no magic matches (plain text, or junk).
//   gzip  1f 8b
//   zstd  28 b5 2f fd (a zstd frame)
//   lz4   "LZ4Block" (lz4-java LZ4BlockOutputStream, used by Spark's LZ4CompressionCodec)
//   snappy 82 'SNAPPY' 00 (snappy-java SnappyOutputStream, used by SnappyCompressionCodec)
//   lzf   'Z' 'V' 00|01 (ning compress-lzf LZFOutputStream, used by LZFCompressionCodec)
std::optional<Codec> codec_from_magic(std::string_view head);

// Bounds that make decompression bombs fail fast instead of running for hours.
struct DecodeLimits {
  uint64_t max_output_bytes = uint64_t{256} << 30;  // 256 GiB of decoded text
  uint64_t ratio_check_after = uint64_t{1} << 30;   // ratio is only checked past 1 GiB out
  double max_ratio = 2000.0;                        // decoded / compressed
};

// Wraps src in a decoder. Codec::none returns src unchanged. Decoders return
// ErrorKind::truncated when the input ends inside a block/frame (an in-progress or cut-off
// log: everything decoded before that point has been delivered), ErrorKind::bad_input for
// corrupt data (naming the source and the compressed offset), ErrorKind::limit for bombs.
io::ByteSourcePtr make_decoder(Codec codec, io::ByteSourcePtr src, const DecodeLimits& limits = {});

struct DecodedStream {
  io::ByteSourcePtr stream;             // decoded bytes
  Codec codec = Codec::none;            // what the bytes turned out to be (outer layer)
  std::vector<std::string> warnings;    // e.g. name/magic mismatch, nested compression
};

// Opens src for reading as text: picks the codec from file_name, confirms it with the magic
// bytes (the bytes win on a mismatch, with a warning naming the file), and unwraps one nested
// layer (a gzip holding a zstd log) with a warning.
Result<DecodedStream> open_decoded(io::ByteSourcePtr src, std::string_view file_name,
                                   const DecodeLimits& limits = {});

}  // namespace sm::codec
