#pragma once
// Reads a decoded event-log stream in large chunks cut at line boundaries and pre-parses the
// task start/end lines (the bulk of every log) on worker threads, then hands every line back
// in order on the calling thread. Replay stays sequential (it is stateful); only the
// stateless parsing is spread over the cores. Memory is bounded by the chunks in flight.
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "eventlog/events.h"
#include "io/byte_source.h"
#include "io/line_reader.h"

namespace sm::eventlog {

struct PipelineLine {
  enum class Kind { task_start, task_end, other, oversized };
  Kind kind = Kind::other;
  uint64_t number = 0;          // 1-based line number in the stream
  uint64_t offset = 0;          // byte offset of the line start
  bool complete = true;         // false: the last line had no newline
  std::string_view text;        // the line (other); valid only during the visit, padded
  const TaskStartEvent* start = nullptr;  // task_start
  const TaskEndEvent* end = nullptr;      // task_end
  uint64_t oversized_bytes = 0;           // oversized: the skipped line's length
};

struct PipelineOptions {
  io::LineReaderOptions lines;
  unsigned workers = 0;  // 0: parse on the calling thread only
  bool fast_task_lines = true;  // false: every line goes to the general parser (for tests)
  size_t chunk_bytes = size_t{4} << 20;
  // Parse a memory-backed input (a mapped file) in place instead of copying it into chunks.
  bool zero_copy = true;
};

// Worker count that suits this machine (hardware threads minus the caller, at least 0).
unsigned default_pipeline_workers();

class LinePipeline {
 public:
  LinePipeline(io::ByteSource& src, PipelineOptions opts);
  ~LinePipeline();
  LinePipeline(const LinePipeline&) = delete;
  LinePipeline& operator=(const LinePipeline&) = delete;

  // Calls visit for every line in order until it returns false. Returns the stream's error,
  // if it ended with one, after every line before the error was visited.
  Status run(const std::function<bool(const PipelineLine&)>& visit);
  uint64_t bytes_consumed() const { return consumed_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t consumed_ = 0;
};

}  // namespace sm::eventlog
