#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "app/commands.h"
#include "index/index_writer.h"
#include "ingest/eventlog_loader.h"
#include "summary/summary.h"
#include "util/format.h"

namespace sm::app {
namespace {

// Progress on stderr, only once an input has taken a few seconds.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void update(uint64_t raw, uint64_t decoded) {
    if (!enabled_) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    constexpr double kQuietSeconds = 2.0;
    if (secs < kQuietSeconds) return;
    bool tty = ::isatty(STDERR_FILENO) != 0;
    std::fprintf(stderr, "%sreading: %s of events (%s on disk), %.0f MiB/s%s", tty ? "\r" : "",
                 fmt::bytes(static_cast<int64_t>(decoded)).c_str(), fmt::bytes(static_cast<int64_t>(raw)).c_str(),
                 static_cast<double>(decoded) / secs / (1024.0 * 1024.0), tty ? "   " : "\n");
    shown_ = true;
  }
  void done() {
    if (shown_ && ::isatty(STDERR_FILENO)) std::fputc('\n', stderr);
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

int run_summary(const SummaryArgs& args) {
  ingest::LoadOptions opts;
  if (!args.quantiles.empty()) opts.read.builder.quantiles = args.quantiles;
  for (double q : opts.read.builder.quantiles) {
    if (!(q >= 0.0 && q <= 1.0)) {
      std::fprintf(stderr, "sparkmedic-analyze: --quantiles: %g is not between 0 and 1\n", q);
      return kExitBadInput;
    }
  }
  Progress progress(!args.quiet);
  opts.read.progress = [&](uint64_t raw, uint64_t decoded) { progress.update(raw, decoded); };
  auto loaded = ingest::load_event_logs(args.paths, opts);
  progress.done();
  if (!loaded.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", loaded.error().message.c_str());
    return kExitBadInput;
  }
  std::vector<summary::AppSummary> summaries;
  for (const auto& m : loaded->apps) summaries.push_back(summary::summarize(m));

  if (!args.index_path.empty()) {
    auto w = index::IndexWriter::create(args.index_path);
    if (!w.ok()) {
      std::fprintf(stderr, "sparkmedic-analyze: --index: %s\n", w.error().message.c_str());
      return kExitBadInput;
    }
    for (const auto& m : loaded->apps) {
      auto k = (*w)->write_app(m);
      if (!k.ok()) {
        std::fprintf(stderr, "sparkmedic-analyze: --index: %s\n", k.error().message.c_str());
        return kExitBadInput;
      }
    }
    for (const auto& is : loaded->issues) (void)(*w)->add_issue(is.source, 0, "input", is.message);
    if (auto st = (*w)->finish(); !st.ok()) {
      std::fprintf(stderr, "sparkmedic-analyze: --index: %s\n", st.error().message.c_str());
      return kExitBadInput;
    }
  }

  std::string out = args.json ? summary::render_json(summaries, loaded->issues, args.paths)
                              : summary::render_text(summaries, loaded->issues);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (loaded->apps.empty()) {
    std::fprintf(stderr, "sparkmedic-analyze: no Spark event log found in %s\n",
                 args.paths.size() == 1 ? args.paths[0].c_str() : "the inputs");
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace sm::app
