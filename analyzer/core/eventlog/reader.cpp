#include "eventlog/reader.h"

#include <optional>

#include "eventlog/event_parser.h"
#include "eventlog/line_pipeline.h"

namespace sm::eventlog {
namespace {

std::string where(const std::string& file, uint64_t line) { return file + ":" + std::to_string(line); }

// Reads one part into the builder. Returns the number of event lines applied.
struct PartStats {
  uint64_t events = 0;
  uint64_t malformed = 0;
  uint64_t not_events = 0;
  uint64_t lines = 0;
  uint64_t decoded = 0;
  uint64_t raw = 0;
  std::string codec;
};

Result<PartStats> read_part(const FileRef& part, const EventLogInput& input, EventParser& parser,
                            AppStateBuilder& builder, const ReadOptions& opts, uint64_t& progress_mark,
                            uint64_t& decoded_total, uint64_t& raw_total) {
  PartStats stats;
  const std::string& name = part.display_name.empty() ? part.path : part.display_name;
  auto opened = part.open();
  if (!opened.ok()) return opened.take_error();
  codec::DecodedStream decoded_stream;
  if (part.decoded_codec) {
    decoded_stream.stream = std::move(opened.value());
    stats.codec = *part.decoded_codec;
  } else {
    // Spark 1.x directories name the codec in a marker file, not in the part's name.
    std::string codec_name_hint(part.path);
    if (input.codec_override) codec_name_hint += "." + std::string(codec::codec_name(*input.codec_override));
    auto decoded = codec::open_decoded(std::move(opened.value()), codec_name_hint, opts.decode);
    if (!decoded.ok()) return decoded.take_error();
    decoded_stream = std::move(decoded.value());
    stats.codec = std::string(codec::codec_name(decoded_stream.codec));
    for (auto& w : decoded_stream.warnings) builder.add_warning({name, 0, "codec", w});
  }
  auto* decoded = &decoded_stream;

  io::ByteSource& src = *decoded->stream;
  PipelineOptions popts;
  popts.lines = opts.lines;
  popts.fast_task_lines = opts.fast_task_lines;
  popts.zero_copy = opts.zero_copy;
  popts.workers = opts.parse_workers < 0 ? default_pipeline_workers() : static_cast<unsigned>(opts.parse_workers);
  LinePipeline lines(src, popts);
  const uint64_t decoded_before = decoded_total;
  size_t listed = 0;
  bool first_content_line = true;
  std::optional<Error> not_event_log;
  auto visit = [&](const PipelineLine& line) -> bool {
    ++stats.lines;
    switch (line.kind) {
      case PipelineLine::Kind::task_start:
        parser.apply(*line.start);
        ++stats.events;
        first_content_line = false;
        break;
      case PipelineLine::Kind::task_end:
        parser.apply(*line.end);
        ++stats.events;
        first_content_line = false;
        break;
      case PipelineLine::Kind::oversized:
        builder.add_warning({name, line.number, "oversized_line",
                             "line of " + std::to_string(line.oversized_bytes) + " bytes exceeds the " +
                                 std::to_string(opts.lines.max_line_bytes) + "-byte line limit; skipped"});
        ++stats.malformed;
        break;
      case PipelineLine::Kind::other: {
        LineResult r = parser.parse_line(line.text);
        switch (r.outcome) {
          case LineOutcome::event:
          case LineOutcome::counted:
            ++stats.events;
            first_content_line = false;
            break;
          case LineOutcome::blank:
            break;
          case LineOutcome::not_an_event:
          case LineOutcome::malformed: {
            if (first_content_line && stats.events == 0 && input.layout == Layout::single && stats.lines <= 1) {
              // Spark writes a listener event on the very first line; anything else is not
              // an event log (a driver log, a JSON document, binary data).
              not_event_log = Error::bad_input(where(name, line.number) + ": not a Spark event log (" + r.message + ")");
              return false;
            }
            first_content_line = false;
            if (!line.complete && r.outcome == LineOutcome::malformed) {
              builder.add_warning({name, line.number, "truncated_line",
                                   "the last line is cut short (" + std::to_string(line.text.size()) +
                                       " bytes, no newline): the log is in progress or was truncated; earlier events are kept"});
              ++stats.malformed;
              break;
            }
            if (r.outcome == LineOutcome::malformed) ++stats.malformed;
            else ++stats.not_events;
            if (listed++ < opts.max_warnings_per_part)
              builder.add_warning({name, line.number, r.outcome == LineOutcome::malformed ? "malformed_json" : "not_an_event",
                                   r.message});
            break;
          }
        }
        break;
      }
    }
    decoded_total = decoded_before + line.offset;
    if (opts.progress && decoded_total - progress_mark >= opts.progress_every) {
      progress_mark = decoded_total;
      opts.progress(raw_total + src.raw_bytes_consumed(), decoded_total);
    }
    return true;
  };
  Status st = lines.run(visit);
  if (not_event_log) return *not_event_log;
  if (!st.ok()) {
    const Error& e = st.error();
    std::string kind = e.kind == ErrorKind::truncated ? "truncated_stream"
                       : e.kind == ErrorKind::limit ? "limit" : "corrupt_stream";
    builder.add_warning({name, stats.lines, kind,
                         e.message + (e.kind == ErrorKind::truncated
                                          ? " (the log ends inside a compressed block: in progress or cut short)"
                                          : "; events after this point are lost")});
  }
  if (listed > opts.max_warnings_per_part)
    builder.add_warning({name, 0, "malformed_json",
                         std::to_string(listed - opts.max_warnings_per_part) + " more bad lines not listed"});
  stats.decoded = lines.bytes_consumed();
  stats.raw = src.raw_bytes_consumed();
  raw_total += stats.raw;
  return stats;
}

}  // namespace

bool looks_like_event_log(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  if (i >= head.size() || head[i] != '{') return false;
  std::string_view first = head.substr(i, head.find('\n', i) == std::string_view::npos ? std::string_view::npos
                                                                                          : head.find('\n', i) - i);
  return first.find("\"Event\"") != std::string_view::npos;
}

Result<AppModel> read_event_log(const EventLogInput& input, const ReadOptions& opts) {
  AppStateBuilder builder(opts.builder);
  auto& app = builder.application();
  app.source_path = input.display_name;
  app.layout = to_string(input.layout);
  app.in_progress = input.in_progress;
  app.compacted = input.compacted;
  for (const auto& note : input.notes) builder.add_warning({input.display_name, 0, "layout", note});
  if (input.compacted)
    builder.add_warning({input.display_name, 0, "compacted",
                         "the log was compacted by the History Server: task events of the compacted parts were "
                         "dropped, so task counts, failed-task details and quantiles cover only the later parts"});

  EventParser parser(builder);
  uint64_t progress_mark = 0, decoded_total = 0, raw_total = 0, decoded_sum = 0, lines = 0, events = 0;
  size_t parts_read = 0;
  std::optional<Error> first_error;
  std::string codec;
  for (const auto& part : input.parts) {
    auto st = read_part(part, input, parser, builder, opts, progress_mark, decoded_total, raw_total);
    if (!st.ok()) {
      if (input.layout == Layout::single || input.parts.size() == 1) return st.take_error();
      builder.add_warning({part.display_name.empty() ? part.path : part.display_name, 0, "unreadable_part",
                           st.error().message});
      if (!first_error) first_error = st.error();
      continue;
    }
    ++parts_read;
    events += st->events;
    decoded_sum += st->decoded;
    lines += st->lines;
    if (codec.empty()) codec = st->codec;
    else if (codec != st->codec && codec.find(st->codec) == std::string::npos) codec += "+" + st->codec;
  }
  if (parts_read == 0 && first_error) return *first_error;
  if (events == 0 && input.layout == Layout::single)
    return Error::bad_input(input.display_name + ": " + (decoded_sum == 0 ? "empty file" : "no Spark events") +
                            ": not a Spark event log");
  if (input.in_progress)
    builder.add_warning({input.display_name, 0, "in_progress",
                         "the application was still running when this log was copied (in-progress marker)"});
  app.codec = codec.empty() ? "none" : codec;
  app.bytes_read = decoded_sum;
  app.raw_bytes = raw_total;
  app.lines = lines;
  AppModel model = builder.finish();
  if (model.app.app_id.empty()) {
    model.app.app_id = input.app_hint;
    model.warnings.push_back({input.display_name, 0, "no_application_start",
                              "no SparkListenerApplicationStart event: the application id is taken from the file name"});
  }
  if (!model.app.completed && !input.in_progress)
    model.warnings.push_back({input.display_name, 0, "no_application_end",
                              "no SparkListenerApplicationEnd event: the application did not finish cleanly "
                              "(driver killed, crashed, or the log was cut)"});
  return model;
}

}  // namespace sm::eventlog
