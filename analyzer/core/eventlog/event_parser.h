#pragma once
// Parses Spark event-log lines (one JSON object per line, JsonProtocol) with simdjson On-Demand
// and feeds them to an AppStateBuilder. Only the fields the model needs are touched; large
// values (accumulables, SQL plans) are skipped without being materialised.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "eventlog/app_state.h"

namespace sm::eventlog {

enum class LineOutcome {
  event,          // parsed and applied
  counted,        // a known or custom event we only count
  blank,          // an empty or whitespace-only line
  not_an_event,   // valid JSON without an "Event" field, or not an object
  malformed,      // not valid JSON (or valid JSON with fields of the wrong type)
};

struct LineResult {
  LineOutcome outcome = LineOutcome::event;
  std::string message;  // for malformed / not_an_event: what was wrong (no line number)
};

// Maximum JSON nesting accepted (Spark's deepest real structures are ~8 levels).
inline constexpr size_t kMaxJsonDepth = 256;

class EventParser {
 public:
  explicit EventParser(AppStateBuilder& builder);
  ~EventParser();
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  // `line` must be followed by at least kLinePadding readable bytes (their content does not
  // matter): simdjson reads ahead in SIMD blocks.
  LineResult parse_line(std::string_view line);
  // Applies task events pre-parsed by FastTaskParser::parse (e.g. on a worker thread).
  void apply(const TaskStartEvent& e);
  void apply(const TaskEndEvent& e);

  static constexpr size_t kLinePadding = 64;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sm::eventlog
