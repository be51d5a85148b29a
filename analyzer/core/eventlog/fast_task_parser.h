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
  enum class Kind { declined, task_start, task_end };

  // Parses without applying: fills `start` or `end` (string views point into `line`). Safe to
  // call from several threads on different lines with different outputs. Needs 64 readable
  // bytes after the line (the event parser's padding contract).
  static Kind parse(std::string_view line, TaskStartEvent& start, TaskEndEvent& end);

  explicit FastTaskParser(AppStateBuilder& builder) : builder_(builder) {}
  // Parses and applies; false to use the general parser.
  bool try_parse(std::string_view line);
  // Applies an event parsed earlier (possibly on another thread), counting it like the
  // general parser does.
  void apply(const TaskStartEvent& e);
  void apply(const TaskEndEvent& e);

 private:
  AppStateBuilder& builder_;
  TaskStartEvent start_;
  TaskEndEvent end_;
};

namespace detail {
// The container skipper's implementations, for tests that check every one the build has (the
// parser uses the best one the CPU runs). Each returns the byte after the closing bracket of
// the array or object opening at p, or null; 64 bytes after end must be readable.
const char* skip_container_portable(const char* p, const char* end);
// The AVX2 one, or null when this build or CPU has none.
using SkipContainerFn = const char* (*)(const char*, const char*);
SkipContainerFn skip_container_avx2_if_supported();
}  // namespace detail

}  // namespace sm::eventlog
