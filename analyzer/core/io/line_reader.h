#pragma once
// Splits a byte stream into lines without copying them one by one: lines are views into an
// internal buffer that always has kPadding readable bytes after the line (simdjson needs them).
// Lines longer than max_line_bytes are skipped (streamed through, never buffered whole) and
// reported, so one 10 GB line cannot exhaust memory.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "io/byte_source.h"

namespace sm::io {

struct Line {
  std::string_view text;    // without the '\n' (a trailing '\r' is kept; callers trim)
  uint64_t number = 0;      // 1-based
  uint64_t offset = 0;      // byte offset of the line start in the decoded stream
  bool complete = true;     // false for a last line without a newline (cut short?)
  bool oversized = false;   // true: text is empty, the line was longer than the limit
  uint64_t oversized_bytes = 0;
};

struct LineReaderOptions {
  size_t initial_buffer = size_t{8} << 20;    // 8 MiB
  size_t read_chunk = size_t{4} << 20;        // bytes requested per read (fewer syscalls)
  size_t max_line_bytes = size_t{256} << 20;  // 256 MiB
};

class LineReader {
 public:
  static constexpr size_t kPadding = 64;

  explicit LineReader(ByteSource& src, LineReaderOptions opts = {});

  // The next line, nullopt at end of stream, or the source's error (bytes before it were
  // returned as lines; a partial last line before the error is returned first with
  // complete=false).
  Result<std::optional<Line>> next();

  uint64_t bytes_consumed() const { return consumed_; }

 private:
  Status fill();  // reads more bytes; sets eof_/pending_error_

  ByteSource& src_;
  LineReaderOptions opts_;
  std::vector<char> buf_;
  size_t begin_ = 0;  // start of unread data
  size_t end_ = 0;    // end of valid data
  size_t scan_ = 0;   // where the newline search resumes
  uint64_t line_no_ = 0;
  uint64_t consumed_ = 0;  // offset of begin_ in the stream
  bool eof_ = false;
  std::optional<Error> pending_error_;
};

}  // namespace sm::io
