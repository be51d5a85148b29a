// Fuzzes the log-line readers: the Spark 4 structured-log renderer and the line-time parser.
// Any bytes must render without crashing, every source line must map to at least one rendered
// line in order, and parsed times must be plausible epoch milliseconds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analyze/log_time.h"
#include "analyze/structured_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sm::analyze::RenderedChunk r;
  sm::analyze::render_structured_chunk(text, r);
  if (r.source_line.size() != r.source_offset.size()) std::abort();
  for (size_t i = 1; i < r.source_line.size(); ++i)
    if (r.source_line[i] < r.source_line[i - 1] || r.source_offset[i] > size) std::abort();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (auto t = sm::analyze::parse_line_time(line)) {
      // Years 1970..9999 only.
      if (*t < 0 || *t > 253402300799999) std::abort();
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return 0;
}
