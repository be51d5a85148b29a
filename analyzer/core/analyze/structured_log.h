#pragma once
// Spark 4 structured logging (spark.log.structuredLogging.enabled, log4j2 JsonTemplateLayout
// "org/apache/spark/log4j2-json-layout.properties"): one JSON object per line with "ts",
// "level", "msg", "context" (MDC), "logger" and, for errors, "exception" {"class", "msg",
// "stacktrace": [{"class","method","file","line"}]}. Signatures are written against the text
// Spark prints with its pattern layout ("<Class>: <message>" then "\tat ..."), so JSON lines are
// rendered back into that text before scanning, keeping a map to the source line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sm::analyze {

struct RenderedChunk {
  std::string text;                  // rendered lines, '\n'-terminated
  std::vector<uint32_t> source_line; // per rendered line: 0-based line index in the source chunk
  std::vector<uint64_t> source_offset;  // per rendered line: byte offset of that source line in the chunk
  uint64_t bad_lines = 0;            // lines that were not JSON objects (kept verbatim)
};

// Renders every line of `chunk` (whole lines). A line that is not a JSON object is copied as
// it is (stdout noise, a stack trace printed by a Python worker), so nothing is lost.
void render_structured_chunk(std::string_view chunk, RenderedChunk& out);

}  // namespace sm::analyze
