#pragma once
// A fast path for the two events that make up ~95% of every event log: SparkListenerTaskStart
// and SparkListenerTaskEnd with a "Success" reason. Spark's JsonProtocol writes them with a fixed
// shape, so a small hand-written scanner reads the fields we need and skips the rest (the large
// "Accumulables" arrays) without tokenising them. It is strict: anything it does not expect (an
// escape in a kept string, a non-integer number, a failure reason, a syntax error) makes it
// decline, and the line goes through the general simdjson parser, which handles and reports
// everything. Declining has no side effects.
#include <string_view>

#include "eventlog/app_state.h"
#include "eventlog/events.h"

namespace sm::eventlog {

class FastTaskParser {
 public:
  explicit FastTaskParser(AppStateBuilder& builder) : builder_(builder) {}
  // True if the line was a task event and has been applied; false to use the general parser.
  // Needs 64 readable bytes after the line (the event parser's padding contract).
  bool try_parse(std::string_view line);

  uint64_t accepted() const { return accepted_; }
  uint64_t declined() const { return declined_; }

 private:
  AppStateBuilder& builder_;
  TaskStartEvent start_;
  TaskEndEvent end_;
  uint64_t accepted_ = 0;
  uint64_t declined_ = 0;
};

}  // namespace sm::eventlog
