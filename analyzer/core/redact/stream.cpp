#include "redact/stream.h"

#include <span>

namespace sm::redact {
namespace {

// Calls on_chunk with line-aligned chunks of `in`; a read error is returned after the bytes
// before it were delivered.
Status for_each_chunk(io::ByteSource& in, const StreamLimits& limits, const std::function<Status(std::string&)>& on_chunk) {
  std::string buf;
  std::string chunk;
  std::vector<char> block(limits.chunk_bytes);
  Status read_error;
  for (;;) {
    auto n = in.read(std::span<char>(block.data(), block.size()));
    if (!n.ok()) {
      read_error = n.take_error();
      break;
    }
    if (*n == 0) break;
    buf.append(block.data(), *n);
    size_t cut = buf.rfind('\n');
    if (cut == std::string::npos) {
      if (buf.size() < limits.max_line_bytes) continue;
      cut = limits.max_line_bytes - 1;  // one very long line: a piece of it
    }
    chunk.assign(buf, 0, cut + 1);
    buf.erase(0, cut + 1);
    SM_TRY(on_chunk(chunk));
  }
  if (!buf.empty()) SM_TRY(on_chunk(buf));
  return read_error;
}

}  // namespace

Status redact_stream(io::ByteSource& in, const Redactor& redactor, Counts& counts,
                     std::vector<std::string>* harvest, const ChunkSink& out, const StreamLimits& limits) {
  return for_each_chunk(in, limits, [&](std::string& chunk) -> Status {
    redactor.redact(chunk, counts, harvest);
    return out(chunk);
  });
}

Status scan_stream(io::ByteSource& in, const Redactor& redactor, Counts& found, const StreamLimits& limits) {
  return for_each_chunk(in, limits, [&](std::string& chunk) -> Status {
    redactor.scan(chunk, found);
    return ok_status();
  });
}

}  // namespace sm::redact
