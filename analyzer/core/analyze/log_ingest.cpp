#include "analyze/log_ingest.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "analyze/log_time.h"
#include "analyze/structured_log.h"

namespace sm::analyze {
namespace {

// Newlines in [b, e).
uint64_t count_newlines(const char* b, const char* e) {
  uint64_t n = 0;
  while (b < e) {
    const void* p = std::memchr(b, '\n', static_cast<size_t>(e - b));
    if (!p) break;
    ++n;
    b = static_cast<const char*>(p) + 1;
  }
  return n;
}

std::string detect_format(std::string_view first_line) {
  if (first_line.empty()) return "plain";
  if (first_line[0] == '{' && first_line.find("\"ts\"") != std::string_view::npos) return "json";
  if (first_line.rfind("Container: container_", 0) == 0 || first_line.rfind("LogType:", 0) == 0) return "yarn";
  if (first_line.size() > 30 && first_line[4] == '-' && first_line[10] == 'T' && first_line.find('Z') != std::string_view::npos &&
      first_line.find('Z') < 36)
    return "kubectl";
  if (parse_line_time(first_line)) return "log4j";
  return "plain";
}

std::string bounded(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

}  // namespace

struct LogIngestor::Impl {
  sql::Db& db;
  match::Matcher& matcher;
  sql::Stmt insert_file, update_file, insert_match;
  Impl(sql::Db& d, match::Matcher& m) : db(d), matcher(m) {}
};

LogIngestor::LogIngestor(sql::Db& db, match::Matcher& matcher) : impl_(std::make_unique<Impl>(db, matcher)) {
  auto f = db.prepare(
      "INSERT INTO source_file(path, kind, app_key, executor_id, pod, container, truncated) VALUES (?1,?2,?3,?4,?5,?6,?7)");
  auto u = db.prepare(
      "UPDATE source_file SET bytes=?2, lines=?3, log_format=?4, first_ts=?5, last_ts=?6, truncated=?7 WHERE file_id=?1");
  auto m = db.prepare(
      "INSERT INTO log_match(app_key, file_id, stream, ref, line, offset, ts, class, signature, role, weight, executor_id, "
      "text, context, extracted) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
  if (f.ok()) impl_->insert_file = std::move(f.value());
  if (u.ok()) impl_->update_file = std::move(u.value());
  if (m.ok()) impl_->insert_match = std::move(m.value());
}

LogIngestor::~LogIngestor() = default;

Status LogIngestor::scan_text(std::string_view text, catalog::Stream stream, const std::string& ref,
                              std::optional<int64_t> app_key, std::optional<int64_t> ts,
                              const std::optional<std::string>& executor_id) {
  Impl& m = *impl_;
  Status status;
  std::vector<size_t> per_sig(m.matcher.signatures().size(), 0);
  auto st = m.matcher.scan(text, stream, [&](const match::LineMatch& lm) {
    if (!status.ok() || per_sig[lm.signature]++ >= kMaxMatchesPerSignature) return;
    const auto& si = m.matcher.signatures()[lm.signature];
    std::string_view line = text.substr(lm.line_begin, lm.line_end - lm.line_begin);
    uint64_t line_no = 1 + count_newlines(text.data(), text.data() + lm.line_begin);
    std::string extracted = m.matcher.extract(lm.signature, line);
    status = m.insert_match.bind(1, app_key).bind_null(2).bind(3, catalog::stream_name(stream)).bind(4, ref)
                 .bind(5, static_cast<int64_t>(line_no)).bind(6, static_cast<int64_t>(lm.line_begin)).bind(7, ts)
                 .bind(8, si.cls->id).bind(9, si.sig->name).bind(10, catalog::role_name(si.sig->role))
                 .bind(11, si.sig->weight).bind(12, executor_id).bind(13, bounded(line, kMaxMatchText))
                 .bind(14, bounded(text, kMaxContext)).bind(15, extracted.empty() ? std::optional<std::string>() : extracted)
                 .exec();
  });
  if (!st.ok()) return st;
  return status;
}

Result<LogIngestStats> LogIngestor::ingest(const LogSource& src, io::ByteSource& decoded) {
  Impl& m = *impl_;
  LogIngestStats stats;
  SM_TRY(m.insert_file.bind(1, src.path).bind(2, src.kind).bind(3, src.app_key).bind(4, src.executor_id)
             .bind(5, src.pod).bind(6, src.container).bind(7, src.truncated).exec());
  stats.file_id = m.db.last_insert_rowid();
  std::vector<char> buf(kChunkBytes + 64);
  std::vector<size_t> per_sig(m.matcher.signatures().size(), 0);
  size_t carry = 0;
  uint64_t base_line = 1;  // line number of the chunk's first line
  uint64_t base_offset = 0;
  bool eof = false, first_chunk = true;
  std::optional<Error> read_error;
  Status status;
  RenderedChunk rendered;
  while (!eof) {
    size_t size = carry;
    while (size < kChunkBytes && !eof) {
      auto r = decoded.read(std::span<char>(buf.data() + size, kChunkBytes - size));
      if (!r.ok()) {
        read_error = r.take_error();
        eof = true;
        break;
      }
      if (*r == 0) eof = true;
      size += *r;
    }
    if (size == 0) break;
    // Scan whole lines; keep a cut last line for the next chunk (unless the buffer holds only
    // that one line, which is then scanned as it is).
    size_t cut = size;
    if (!eof) {
      const void* nl = memrchr(buf.data(), '\n', size);
      if (nl) cut = static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    }
    std::string_view chunk(buf.data(), cut);
    if (first_chunk) {
      std::string_view first = chunk.substr(0, chunk.find('\n'));
      stats.format = detect_format(first);
      for (size_t pos = 0, n = 0; pos < chunk.size() && n < 64 && !stats.first_ts; ++n) {
        size_t e = chunk.find('\n', pos);
        stats.first_ts = parse_line_time(chunk.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos));
        if (e == std::string_view::npos) break;
        pos = e + 1;
      }
      first_chunk = false;
    }
    // Spark 4 structured (JSON) logs are scanned as the text Spark's pattern layout would
    // print; matches map back to the JSON line.
    // Spark switches to the JSON layout after start-up, so a log can begin with pattern-layout
    // lines: any chunk holding a structured line is rendered (other lines stay verbatim).
    const bool json = stats.format == "json" || chunk.find("{\"ts\":\"") != std::string_view::npos;
    if (json) stats.format = "json";
    if (json) render_structured_chunk(chunk, rendered);
    const std::string_view scanned = json ? std::string_view(rendered.text) : chunk;
    uint64_t counted_to = 0, local = 0;
    auto st = m.matcher.scan(scanned, src.stream, [&](const match::LineMatch& lm) {
      if (!status.ok()) return;
      local += count_newlines(scanned.data() + counted_to, scanned.data() + lm.line_begin);
      counted_to = lm.line_begin;
      const uint64_t line_no = base_line + (json ? rendered.source_line[local] : local);
      const uint64_t line_offset = json ? rendered.source_offset[local] : lm.line_begin;
      const std::string_view chunk_text = scanned;
      ++stats.matches;
      if (per_sig[lm.signature]++ >= kMaxMatchesPerSignature) return;
      const auto& si = m.matcher.signatures()[lm.signature];
      std::string_view line = chunk_text.substr(lm.line_begin, lm.line_end - lm.line_begin);
      // The time: this line's, else the nearest earlier line with one (stack traces).
      std::optional<int64_t> ts = parse_line_time(line);
      for (size_t b = lm.line_begin, back = 0; !ts && b > 0 && back < 200; ++back) {
        size_t prev_end = b - 1;
        size_t prev_begin = chunk_text.rfind('\n', prev_end == 0 ? 0 : prev_end - 1);
        prev_begin = prev_begin == std::string_view::npos ? 0 : prev_begin + 1;
        if (prev_begin >= prev_end && prev_end == 0) break;
        ts = parse_line_time(chunk_text.substr(prev_begin, prev_end - prev_begin));
        b = prev_begin;
      }
      // Context: a few lines around.
      size_t cb = lm.line_begin;
      for (size_t i = 0; i < kContextBefore && cb > 0; ++i) {
        size_t p = chunk_text.rfind('\n', cb >= 2 ? cb - 2 : 0);
        cb = (p == std::string_view::npos || cb < 2) ? 0 : p + 1;
      }
      size_t ce = lm.line_end;
      for (size_t i = 0; i < kContextAfter && ce < chunk_text.size(); ++i) {
        size_t p = chunk_text.find('\n', ce + 1);
        ce = p == std::string_view::npos ? chunk_text.size() : p;
      }
      std::string extracted = m.matcher.extract(lm.signature, line);
      status = m.insert_match.bind(1, src.app_key).bind(2, stats.file_id).bind(3, src.kind).bind_null(4)
                   .bind(5, static_cast<int64_t>(line_no)).bind(6, static_cast<int64_t>(base_offset + line_offset))
                   .bind(7, ts).bind(8, si.cls->id).bind(9, si.sig->name).bind(10, catalog::role_name(si.sig->role))
                   .bind(11, si.sig->weight).bind(12, src.executor_id).bind(13, bounded(line, kMaxMatchText))
                   .bind(14, bounded(chunk_text.substr(cb, ce - cb), kMaxContext))
                   .bind(15, extracted.empty() ? std::optional<std::string>() : extracted)
                   .exec();
    });
    if (!st.ok()) return st.take_error();
    if (!status.ok()) return status.take_error();
    uint64_t chunk_lines = count_newlines(chunk.data(), chunk.data() + chunk.size());
    if (!chunk.empty() && chunk.back() != '\n') ++chunk_lines;
    // Last timestamp: from the end of this chunk backwards.
    for (size_t e = chunk.size(), n = 0; e > 0 && n < 64; ++n) {
      size_t end = chunk[e - 1] == '\n' ? e - 1 : e;
      size_t b = end == 0 ? std::string_view::npos : chunk.rfind('\n', end - 1);
      b = b == std::string_view::npos ? 0 : b + 1;
      if (auto t = parse_line_time(chunk.substr(b, end - b))) {
        stats.last_ts = t;
        break;
      }
      e = b;
    }
    base_line += chunk_lines;
    base_offset += cut;
    stats.bytes += cut;
    stats.lines += chunk_lines;
    carry = size - cut;
    std::memmove(buf.data(), buf.data() + cut, carry);
  }
  bool truncated = src.truncated || (read_error && read_error->kind == ErrorKind::truncated);
  SM_TRY(m.update_file.bind(1, stats.file_id).bind(2, static_cast<int64_t>(stats.bytes))
             .bind(3, static_cast<int64_t>(stats.lines)).bind(4, stats.format).bind(5, stats.first_ts)
             .bind(6, stats.last_ts).bind(7, truncated).exec());
  if (read_error && read_error->kind != ErrorKind::truncated) return *read_error;
  return stats;
}

}  // namespace sm::analyze
