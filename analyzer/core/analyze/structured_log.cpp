#include "analyze/structured_log.h"

#include <simdjson.h>

namespace sm::analyze {
namespace {

constexpr size_t kMaxFrames = 64;  // per exception; deeper frames are summarised

std::string_view str_or(simdjson::dom::element e, std::string_view key, std::string_view dflt = {}) {
  auto v = e[key];
  if (v.error() || !v.is_string()) return dflt;
  return v.get_string().value();
}

void append_line(RenderedChunk& out, std::string_view text, uint32_t src_line, uint64_t src_off) {
  // Embedded newlines (multi-line messages) become separate rendered lines of the same source line.
  size_t pos = 0;
  for (;;) {
    size_t nl = text.find('\n', pos);
    std::string_view piece = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    out.text.append(piece);
    out.text.push_back('\n');
    out.source_line.push_back(src_line);
    out.source_offset.push_back(src_off);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

void render_exception(RenderedChunk& out, simdjson::dom::element ex, uint32_t src_line, uint64_t src_off, bool cause,
                      int depth) {
  std::string head = cause ? "Caused by: " : "";
  head += str_or(ex, "class", "java.lang.Throwable");
  std::string_view msg = str_or(ex, "msg");
  if (!msg.empty()) {
    head += ": ";
    head += msg;
  }
  append_line(out, head, src_line, src_off);
  auto frames = ex["stacktrace"];
  if (!frames.error() && frames.is_array()) {
    size_t n = 0, total = 0;
    for (auto f : frames.get_array()) {
      ++total;
      if (n >= kMaxFrames) continue;
      ++n;
      std::string line = "\tat ";
      line += str_or(f, "class");
      line += '.';
      line += str_or(f, "method");
      line += '(';
      auto file = f["file"];
      if (!file.error() && file.is_string()) {
        line += file.get_string().value();
        auto ln = f["line"];
        if (!ln.error() && ln.is_int64() && ln.get_int64().value() >= 0) {
          line += ':';
          line += std::to_string(ln.get_int64().value());
        }
      } else {
        line += "Unknown Source";
      }
      line += ')';
      append_line(out, line, src_line, src_off);
    }
    if (total > n) append_line(out, "\t... " + std::to_string(total - n) + " more", src_line, src_off);
  }
  auto c = ex["cause"];
  if (depth < 8 && !c.error() && c.is_object()) render_exception(out, c.value(), src_line, src_off, true, depth + 1);
}

}  // namespace

void render_structured_chunk(std::string_view chunk, RenderedChunk& out) {
  out.text.clear();
  out.source_line.clear();
  out.source_offset.clear();
  out.text.reserve(chunk.size() + chunk.size() / 4);
  simdjson::dom::parser parser;
  size_t pos = 0;
  uint32_t idx = 0;
  while (pos < chunk.size()) {
    size_t nl = chunk.find('\n', pos);
    size_t end = nl == std::string_view::npos ? chunk.size() : nl;
    std::string_view line = chunk.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool rendered = false;
    if (!line.empty() && line.front() == '{') {
      auto doc = parser.parse(line.data(), line.size());
      if (!doc.error() && doc.value().is_object()) {
        simdjson::dom::element e = doc.value();
        std::string head;
        head += str_or(e, "ts");
        head += ' ';
        head += str_or(e, "level", "INFO");
        head += ' ';
        head += str_or(e, "logger", "-");
        head += ": ";
        head += str_or(e, "msg");
        append_line(out, head, idx, pos);
        auto ex = e["exception"];
        if (!ex.error() && ex.is_object()) render_exception(out, ex.value(), idx, pos, false, 0);
        rendered = true;
      }
    }
    if (!rendered) {
      if (!line.empty() && line.front() == '{') ++out.bad_lines;
      append_line(out, line, idx, pos);
    }
    ++idx;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

}  // namespace sm::analyze
