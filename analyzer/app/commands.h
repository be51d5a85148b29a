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

struct AnalyzeArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool markdown = false;
  bool quiet = false;
  bool color = false;
  std::string html_path;
  std::string index_path;
  std::string patterns_dir;
  std::string runbook_base_url;
};

int run_analyze(AnalyzeArgs args);

struct PatternsArgs {
  std::string patterns_dir;
  std::string target;
  std::vector<std::string> files;  // patterns scan
  bool json = false;
};

int run_patterns_list(const PatternsArgs& args);
int run_patterns_explain(const PatternsArgs& args);
int run_patterns_check(const PatternsArgs& args);
int run_patterns_scan(const PatternsArgs& args);

struct AlertsArgs {
  std::string patterns_dir;
  std::string format = "prometheus";   // prometheus | prometheusrule | loki
  std::string runbook_base_url;        // "" = the built-in default
  std::string max_for;                 // cap every `for` (lab rehearsals)
  std::string interval;                // group evaluation interval
  std::string manifest_namespace;
  std::string out;                     // file; "" = stdout
};

int run_alerts(const AlertsArgs& args);

}  // namespace sm::app
