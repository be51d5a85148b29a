#pragma once
// Reads one event log (all its parts, in order) into an AppModel: decode, split lines, parse,
// replay. Bad input never stops the read: malformed lines, cut-off last lines and corrupt
// compressed blocks become ReaderWarnings naming the file and line, and what was read is kept.
#include <functional>
#include <string_view>

#include "codec/codec.h"
#include "eventlog/app_state.h"
#include "eventlog/layout.h"
#include "io/line_reader.h"

namespace sm::eventlog {

struct ReadOptions {
  BuilderOptions builder;
  io::LineReaderOptions lines;
  codec::DecodeLimits decode;
  // Called about every progress_every decoded bytes with (raw bytes read, decoded bytes).
  std::function<void(uint64_t, uint64_t)> progress;
  uint64_t progress_every = uint64_t{64} << 20;
  size_t max_warnings_per_part = 20;  // further malformed lines are counted, not listed
  // Threads that pre-parse task lines besides the caller (the replay itself is sequential).
  // Default: the machine's hardware threads minus one.
  int parse_workers = -1;
  // The hand-written task-line scanner (on by default); off sends every line through simdjson,
  // which tests use to check that both give the same answers.
  bool fast_task_lines = true;
  // Parse a large plain file in place (mapped) instead of copying it through read() (on by
  // default); tests turn it off to check that both give the same answers.
  bool zero_copy = true;
};

// Reads the log. Fails only when nothing usable was found: the parts cannot be opened, or the
// content is not a Spark event log at all (the first lines are not listener events).
Result<AppModel> read_event_log(const EventLogInput& input, const ReadOptions& options = {});

// True if these leading decoded bytes look like a Spark event log (JSON lines with "Event").
bool looks_like_event_log(std::string_view head);

}  // namespace sm::eventlog
