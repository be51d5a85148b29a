#include "io/line_reader.h"

#include <algorithm>
#include <cstring>

namespace sm::io {

LineReader::LineReader(ByteSource& src, LineReaderOptions opts) : src_(src), opts_(opts) {
  buf_.resize(opts_.initial_buffer + kPadding);
}

Status LineReader::fill() {
  // Compact: move unread data to the front.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  size_t capacity = buf_.size() - kPadding;
  if (end_ == capacity) {
    size_t grown = std::min(capacity * 2, opts_.max_line_bytes + opts_.read_chunk);
    buf_.resize(grown + kPadding);
    capacity = grown;
  }
  size_t want = std::min(opts_.read_chunk, capacity - end_);
  if (want == 0) return Error::internal(src_.name() + ": line buffer full without a line limit hit");
  auto r = src_.read(std::span<char>(buf_.data() + end_, want));
  if (!r.ok()) {
    pending_error_ = r.take_error();
    eof_ = true;
    return ok_status();
  }
  if (*r == 0) eof_ = true;
  end_ += *r;
  return ok_status();
}

Result<std::optional<Line>> LineReader::next() {
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + scan_, '\n', end_ - scan_));
    if (nl) {
      size_t len = static_cast<size_t>(nl - (buf_.data() + begin_));
      Line line;
      line.text = std::string_view(buf_.data() + begin_, len);
      line.number = ++line_no_;
      line.offset = consumed_;
      consumed_ += len + 1;
      begin_ += len + 1;
      scan_ = begin_;
      return std::optional<Line>(line);
    }
    scan_ = end_;
    if (eof_) {
      if (end_ > begin_) {
        // The last line has no newline: in-progress or truncated log.
        Line line;
        line.text = std::string_view(buf_.data() + begin_, end_ - begin_);
        std::memset(buf_.data() + end_, 0, kPadding);
        line.number = ++line_no_;
        line.offset = consumed_;
        line.complete = false;
        consumed_ += end_ - begin_;
        begin_ = scan_ = end_;
        return std::optional<Line>(line);
      }
      if (pending_error_) {
        Error e = std::move(*pending_error_);
        pending_error_.reset();
        return e;
      }
      return std::optional<Line>();
    }
    if (end_ - begin_ >= opts_.max_line_bytes) {
      // Oversized: discard bytes up to the next newline without buffering them.
      uint64_t skipped = end_ - begin_;
      uint64_t start = consumed_;
      begin_ = scan_ = end_ = 0;
      for (;;) {
        auto r = src_.read(std::span<char>(buf_.data(), buf_.size() - kPadding));
        if (!r.ok()) {
          pending_error_ = r.take_error();
          eof_ = true;
          break;
        }
        if (*r == 0) {
          eof_ = true;
          break;
        }
        const char* p = static_cast<const char*>(std::memchr(buf_.data(), '\n', *r));
        if (p) {
          size_t upto = static_cast<size_t>(p - buf_.data()) + 1;
          skipped += upto - 1;
          begin_ = scan_ = upto;
          end_ = *r;
          break;
        }
        skipped += *r;
      }
      consumed_ = start + skipped + 1;
      Line line;
      line.number = ++line_no_;
      line.offset = start;
      line.oversized = true;
      line.oversized_bytes = skipped;
      line.complete = !eof_ || begin_ > 0;
      return std::optional<Line>(line);
    }
    auto st = fill();
    if (!st.ok()) return st.take_error();
  }
}

}  // namespace sm::io
