#pragma once
// The analyzer's subcommands. Only this layer prints or chooses exit codes.
#include <string>
#include <vector>

namespace sm::app {

// Exit codes (docs/cli.md): 0 ok (no problem), 1 a problem was diagnosed, 2 bad input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblem = 1;
inline constexpr int kExitBadInput = 2;

struct SummaryArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool quiet = false;
  std::string index_path;
  std::vector<double> quantiles;
};

int run_summary(const SummaryArgs& args);

}  // namespace sm::app
