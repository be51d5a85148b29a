#pragma once
// Factories for the individual decoders; make_decoder() dispatches to these. Private to the
// codec directory (and its tests): the public interface is codec.h.
#include "codec/codec.h"

namespace sm::codec::detail {

io::ByteSourcePtr make_gzip_decoder(io::ByteSourcePtr src, const DecodeLimits& limits);
io::ByteSourcePtr make_zstd_decoder(io::ByteSourcePtr src, const DecodeLimits& limits);
io::ByteSourcePtr make_lz4_decoder(io::ByteSourcePtr src, const DecodeLimits& limits);
io::ByteSourcePtr make_snappy_decoder(io::ByteSourcePtr src, const DecodeLimits& limits);
io::ByteSourcePtr make_lzf_decoder(io::ByteSourcePtr src, const DecodeLimits& limits);

}  // namespace sm::codec::detail
