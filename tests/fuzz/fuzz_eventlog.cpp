// Fuzzes the whole event-log path on one in-memory file: line splitting, the fast task-line
// scanner, the simdjson event parser, the History-Server replay, quantiles and the summary.
#include <cstdint>
#include <string>

#include "eventlog/reader.h"
#include "summary/summary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  sm::eventlog::EventLogInput in;
  in.display_name = "fuzz";
  in.parts.push_back({"fuzz", "fuzz", static_cast<int64_t>(size), [&bytes]() -> sm::Result<sm::io::ByteSourcePtr> {
                        return sm::io::memory_source("fuzz", bytes);
                      }, std::nullopt});
  sm::eventlog::ReadOptions opts;
  opts.lines.max_line_bytes = 1 << 20;
  opts.lines.initial_buffer = 4096;
  opts.builder.exact_quantile_tasks = 64;  // exercise the compacting sketch too
  auto r = sm::eventlog::read_event_log(in, opts);
  if (r.ok()) {
    auto s = sm::summary::summarize(*r);
    (void)sm::summary::render_text({s}, {});
    (void)sm::summary::render_json({s}, {}, {"fuzz"});
  }
  return 0;
}
