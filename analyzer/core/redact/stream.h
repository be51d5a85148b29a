#pragma once
// Redacting and scanning byte streams of any size: the stream is cut into chunks after a
// newline, so every line is seen whole by the rules (values never span lines), and memory
// stays bounded by the chunk size plus the longest line.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_source.h"
#include "redact/redactor.h"

namespace sm::redact {

struct StreamLimits {
  size_t chunk_bytes = size_t{1} << 20;     // read size; chunks end at the last newline in it
  size_t max_line_bytes = size_t{64} << 20;  // a longer line is handled in pieces of this size
};

using ChunkSink = std::function<Status(std::string_view)>;

// Reads `in` to its end and passes the redacted bytes to `out`, chunk by chunk. Counts and
// harvest as Redactor::redact. A read error ends the stream after everything before it was
// redacted and passed on (a truncated compressed log still yields its decodable part); the
// error is returned.
Status redact_stream(io::ByteSource& in, const Redactor& redactor, Counts& counts,
                     std::vector<std::string>* harvest, const ChunkSink& out, const StreamLimits& limits = {});

// Counts what redact_stream would replace.
Status scan_stream(io::ByteSource& in, const Redactor& redactor, Counts& found, const StreamLimits& limits = {});

}  // namespace sm::redact
