#include "eventlog/line_pipeline.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "eventlog/fast_task_parser.h"

namespace sm::eventlog {
namespace {

constexpr size_t kPadding = io::LineReader::kPadding;
constexpr unsigned kMaxWorkers = 8;

struct Record {
  PipelineLine::Kind kind;
  uint32_t begin = 0;   // offset of the line in the chunk buffer
  uint32_t length = 0;
  uint32_t event = 0;   // index into starts/ends
  uint64_t oversized_bytes = 0;
  bool complete = true;
};

struct Chunk {
  std::vector<char> buf;  // data then kPadding bytes (copied chunks)
  const char* data = nullptr;  // buf.data(), or a place in the mapped input (then followed by
                               // at least kPadding bytes of the input)
  bool in_view = false;        // data is in the mapped input
  size_t size = 0;
  uint64_t first_offset = 0;
  std::vector<Record> records;
  std::vector<TaskStartEvent> starts;
  std::vector<TaskEndEvent> ends;
  // The strings of parsed task events that the replay reads (executor id, host, ...), copied
  // next to each other so that the replay thread does not fetch a cache line of every task
  // line (the parser read them on another core). Never reallocated while a chunk is parsed.
  std::vector<char> strings;
  std::atomic<int> state{0};  // 0 waiting, 1 claimed, 2 parsed
  // A chunk that stands for one skipped over-long line (size 0, no records).
  bool oversized = false;
  uint64_t oversized_bytes = 0;
  bool oversized_complete = true;
};

enum : int { kWaiting = 0, kClaimed = 1, kParsed = 2 };

// Copies v into the chunk's string area when it fits (else v keeps pointing into the line).
inline void keep_string(std::vector<char>& area, size_t& used, std::string_view& v) {
  if (v.size() > area.size() - used) return;
  if (!v.empty()) std::memcpy(area.data() + used, v.data(), v.size());
  v = std::string_view(area.data() + used, v.size());
  used += v.size();
}

void keep_strings(std::vector<char>& area, size_t& used, TaskInfoView& t) {
  keep_string(area, used, t.executor_id);
  keep_string(area, used, t.host);
  keep_string(area, used, t.locality);
}

// Splits a chunk into lines and pre-parses task lines. Chunks end at a line boundary except
// the very last one, whose final line may lack a newline.
void parse_chunk(Chunk& c, bool fast) {
  c.records.clear();
  // Task lines are 300 bytes (start) to several KB (end) and keep under 60 bytes of strings.
  const size_t area_size = std::clamp<size_t>(c.size / 4, 4096, size_t{8} << 20);
  if (c.strings.size() < area_size) c.strings.resize(area_size);
  size_t used = 0;
  size_t n_starts = 0, n_ends = 0;
  const char* base = c.data;
  size_t pos = 0;
  while (pos < c.size) {
    const char* nl = static_cast<const char*>(std::memchr(base + pos, '\n', c.size - pos));
    size_t end = nl ? static_cast<size_t>(nl - base) : c.size;
    Record r;
    r.begin = static_cast<uint32_t>(pos);
    r.length = static_cast<uint32_t>(end - pos);
    r.complete = nl != nullptr;
    r.kind = PipelineLine::Kind::other;
    std::string_view line(base + pos, end - pos);
    if (n_starts == c.starts.size()) c.starts.emplace_back();
    if (n_ends == c.ends.size()) c.ends.emplace_back();
    auto kind = fast ? FastTaskParser::parse(line, c.starts[n_starts], c.ends[n_ends]) : FastTaskParser::Kind::declined;
    switch (kind) {
      case FastTaskParser::Kind::task_start:
        keep_strings(c.strings, used, c.starts[n_starts].info);
        r.kind = PipelineLine::Kind::task_start;
        r.event = static_cast<uint32_t>(n_starts++);
        break;
      case FastTaskParser::Kind::task_end:
        keep_strings(c.strings, used, c.ends[n_ends].info);
        keep_string(c.strings, used, c.ends[n_ends].task_type);
        r.kind = PipelineLine::Kind::task_end;
        r.event = static_cast<uint32_t>(n_ends++);
        break;
      case FastTaskParser::Kind::declined:
        break;
    }
    c.records.push_back(r);
    pos = end + 1;
  }
}

}  // namespace

unsigned default_pipeline_workers() {
  unsigned hw = std::thread::hardware_concurrency();
  if (hw <= 1) return 0;
  return std::min(hw - 1, kMaxWorkers);
}

struct LinePipeline::Impl {
  io::ByteSource& src;
  PipelineOptions opts;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Chunk>> inflight;
  std::vector<std::unique_ptr<Chunk>> free_chunks;
  std::vector<std::thread> threads;
  bool stopping = false;

  // Zero-copy mode: the stream's bytes are already in memory (a mapped file). Chunks are then
  // places in `view`; the last stretch, which has no padding after it, is copied through
  // `tail` like any stream.
  std::optional<std::string_view> view;
  size_t view_pos = 0;
  io::ByteSourcePtr tail;
  io::ByteSource* reader = nullptr;  // where copied chunks come from: src, then tail

  // Producer state.
  std::vector<char> carry;  // the start of a line cut by the previous chunk
  uint64_t next_offset = 0;
  bool eof = false;
  std::optional<Error> error;

  Impl(io::ByteSource& s, PipelineOptions o) : src(s), opts(o), reader(&s) {
    if (opts.zero_copy) view = src.take_rest(0);
    for (unsigned i = 0; i < opts.workers; ++i) threads.emplace_back([this] { worker(); });
  }
  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
  }

  // Publishes a parsed chunk. The store happens under the mutex: a thread that checked the
  // chunk's state under the mutex and is about to wait cannot miss the notification.
  void mark_parsed(Chunk& c) {
    {
      std::lock_guard<std::mutex> lock(mu);
      c.state.store(kParsed);
    }
    cv.notify_all();
  }

  void worker() {
    for (;;) {
      Chunk* todo = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] {
          if (stopping) return true;
          for (auto& c : inflight)
            if (c->state.load() == kWaiting) return true;
          return false;
        });
        if (stopping) return;
        for (auto& c : inflight) {
          int expected = kWaiting;
          if (c->state.compare_exchange_strong(expected, kClaimed)) {
            todo = c.get();
            break;
          }
        }
      }
      if (!todo) continue;
      parse_chunk(*todo, opts.fast_task_lines);
      mark_parsed(*todo);
    }
  }

  // A chunk from the free list (or a new one), reset to waiting.
  std::unique_ptr<Chunk> new_chunk() {
    std::unique_ptr<Chunk> c;
    if (!free_chunks.empty()) {
      c = std::move(free_chunks.back());
      free_chunks.pop_back();
    } else {
      c = std::make_unique<Chunk>();
    }
    c->state.store(kWaiting);
    c->in_view = false;
    c->oversized = false;
    c->oversized_bytes = 0;
    c->oversized_complete = true;
    return c;
  }

  // The next chunk of the mapped input, in place: whole lines, about chunk_bytes, with at
  // least kPadding bytes of input after them. Null when the rest must be copied: the input's
  // last stretch (nothing readable after it) or a line over the line limit, which the copying
  // reader skips without buffering.
  std::unique_ptr<Chunk> view_chunk() {
    const char* start = view->data() + view_pos;
    const size_t remaining = view->size() - view_pos;
    if (remaining < opts.chunk_bytes + kPadding) return nullptr;
    const char* nl = static_cast<const char*>(memrchr(start, '\n', opts.chunk_bytes));
    if (nl == nullptr) {
      // One line longer than a chunk: a chunk of its own if it ends within the limits.
      const size_t max_line = std::min<size_t>(opts.lines.max_line_bytes, UINT32_MAX - 1);
      nl = static_cast<const char*>(std::memchr(start, '\n', std::min(remaining - kPadding, max_line + 1)));
      if (nl == nullptr) return nullptr;
    }
    auto c = new_chunk();
    c->data = start;
    c->in_view = true;
    c->size = static_cast<size_t>(nl - start) + 1;
    c->first_offset = next_offset;
    view_pos += c->size;
    next_offset += c->size;
    return c;
  }

  // Reads the next chunk: whole lines only (the cut line is carried over). Returns null at the
  // end of the stream. An over-long line is skipped; the chunk then stands for it alone.
  std::unique_ptr<Chunk> read_chunk() {
    if (view && !tail) {
      if (view_pos == view->size()) return nullptr;
      if (auto c = view_chunk()) return c;
      tail = io::memory_source(src.name(), view->substr(view_pos));
      reader = tail.get();
    }
    if (eof && carry.empty()) return nullptr;
    std::unique_ptr<Chunk> c = new_chunk();
    size_t want = std::max(opts.chunk_bytes, carry.size() + opts.chunk_bytes / 2);
    if (c->buf.size() < want + kPadding) c->buf.resize(want + kPadding);
    if (!carry.empty()) std::memcpy(c->buf.data(), carry.data(), carry.size());
    size_t size = carry.size();
    carry.clear();
    c->first_offset = next_offset;
    for (;;) {
      // Fill the buffer.
      while (!eof && size < c->buf.size() - kPadding) {
        auto r = reader->read(std::span<char>(c->buf.data() + size, c->buf.size() - kPadding - size));
        if (!r.ok()) {
          error = r.take_error();
          eof = true;
          break;
        }
        if (*r == 0) {
          eof = true;
          break;
        }
        size += *r;
      }
      // Cut at the last newline; keep the tail for the next chunk.
      const char* data = c->buf.data();
      const char* last_nl = size ? static_cast<const char*>(memrchr(data, '\n', size)) : nullptr;
      if (last_nl || eof) {
        size_t keep = last_nl && !eof ? static_cast<size_t>(last_nl - data) + 1 : size;
        if (last_nl && !eof) carry.assign(data + keep, data + size);
        c->size = keep;
        c->data = c->buf.data();
        std::memset(c->buf.data() + keep, 0, kPadding);
        break;
      }
      // No newline in the whole buffer: a long line. Grow up to the limit, then skip it; the
      // chunk then stands for that one line.
      if (size < opts.lines.max_line_bytes) {
        c->buf.resize(std::min(c->buf.size() * 2, opts.lines.max_line_bytes + opts.chunk_bytes) + kPadding);
        continue;
      }
      skip_oversized(*c, size);
      return c;
    }
    // Line numbers are assigned in order when the chunk is visited (parsing counts them).
    next_offset += c->size;
    return c;
  }

  // Discards the rest of an over-long line (never buffering it) and turns c into the record
  // of that line. Bytes after its newline become the next chunk's start.
  void skip_oversized(Chunk& c, size_t size) {
    uint64_t skipped = size;
    carry.clear();
    while (!eof) {
      auto r = reader->read(std::span<char>(c.buf.data(), c.buf.size() - kPadding));
      if (!r.ok()) {
        error = r.take_error();
        eof = true;
        break;
      }
      if (*r == 0) {
        eof = true;
        break;
      }
      const char* nl = static_cast<const char*>(std::memchr(c.buf.data(), '\n', *r));
      if (nl) {
        skipped += static_cast<size_t>(nl - c.buf.data());
        carry.assign(nl + 1, static_cast<const char*>(c.buf.data() + *r));
        c.oversized_complete = true;
        break;
      }
      skipped += *r;
      c.oversized_complete = false;
    }
    c.size = 0;
    c.data = c.buf.data();
    c.records.clear();
    c.oversized = true;
    c.oversized_bytes = skipped;
    c.state.store(kParsed);  // nothing to parse
    next_offset += skipped + 1;
  }
};

LinePipeline::LinePipeline(io::ByteSource& src, PipelineOptions opts)
    : impl_(std::make_unique<Impl>(src, opts)) {}
LinePipeline::~LinePipeline() = default;

Status LinePipeline::run(const std::function<bool(const PipelineLine&)>& visit) {
  Impl& m = *impl_;
  const size_t max_inflight = 2 * static_cast<size_t>(m.opts.workers) + 2;
  uint64_t line_no = 1;  // lines are numbered here, in order
  for (;;) {
    // Keep the workers fed.
    while (m.inflight.size() < max_inflight) {
      auto c = m.read_chunk();
      if (!c) break;
      {
        std::lock_guard<std::mutex> lock(m.mu);
        m.inflight.push_back(std::move(c));
      }
      m.cv.notify_all();
    }
    if (m.inflight.empty()) break;
    Chunk& head = *m.inflight.front();
    // Until the head chunk is parsed, parse what nobody has taken yet (the head first) rather
    // than wait: with nothing to read (a fast source) this thread is a parser like the others.
    while (head.state.load() != kParsed) {
      Chunk* todo = nullptr;
      for (auto& c : m.inflight) {
        int expected = kWaiting;
        if (c->state.compare_exchange_strong(expected, kClaimed)) {
          todo = c.get();
          break;
        }
      }
      if (todo != nullptr) {
        parse_chunk(*todo, m.opts.fast_task_lines);
        m.mark_parsed(*todo);
        continue;
      }
      std::unique_lock<std::mutex> lock(m.mu);
      m.cv.wait(lock, [&] { return head.state.load() == kParsed; });
    }
    // Visit in order.
    if (head.oversized) {
      PipelineLine line;
      line.kind = PipelineLine::Kind::oversized;
      line.number = line_no++;
      line.offset = head.first_offset;
      line.oversized_bytes = head.oversized_bytes;
      line.complete = head.oversized_complete;
      if (!visit(line)) return ok_status();
    }
    for (const Record& r : head.records) {
      PipelineLine line;
      line.kind = r.kind;
      line.number = line_no++;
      line.offset = head.first_offset + r.begin;
      line.complete = r.complete;
      line.text = std::string_view(head.data + r.begin, r.length);
      if (r.kind == PipelineLine::Kind::task_start) line.start = &head.starts[r.event];
      if (r.kind == PipelineLine::Kind::task_end) line.end = &head.ends[r.event];
      if (!visit(line)) return ok_status();
    }
    consumed_ = head.oversized ? head.first_offset + head.oversized_bytes + 1 : head.first_offset + head.size;
    if (head.in_view) m.src.release(std::string_view(head.data, head.size));
    std::unique_ptr<Chunk> done;
    {
      std::lock_guard<std::mutex> lock(m.mu);
      done = std::move(m.inflight.front());
      m.inflight.pop_front();
    }
    if (m.free_chunks.size() < max_inflight) m.free_chunks.push_back(std::move(done));
  }
  if (m.error) return *m.error;
  return ok_status();
}

}  // namespace sm::eventlog
