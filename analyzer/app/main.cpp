// sparkmedic-analyze: reads bundles and Spark event logs offline and reports what happened.
// This program has no network code at all (a test checks its imported symbols).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sparkmedic-analyze: offline analysis of Spark application bundles and event logs"};
  app.set_version_flag("--version", std::string("sparkmedic-analyze ") + SPARKMEDIC_VERSION);
  app.require_subcommand(1);

  sm::app::SummaryArgs summary_args;
  auto* summary = app.add_subcommand("summary", "Summarise the Spark event logs in PATH (bundle, archive, directory, file, or - for stdin)");
  summary->add_option("paths", summary_args.paths, "Inputs")->required();
  summary->add_flag("--json", summary_args.json, "Print JSON (schema sparkmedic.summary/v1) instead of text");
  summary->add_option("--index", summary_args.index_path, "Also write the SQLite index to this file");
  summary->add_option("--quantiles", summary_args.quantiles, "Task-summary quantiles (default 0,0.05,0.25,0.5,0.75,0.95,1)")
      ->delimiter(',');
  summary->add_flag("-q,--quiet", summary_args.quiet, "No progress on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : sm::app::kExitBadInput;
  }
  if (summary->parsed()) return sm::app::run_summary(summary_args);
  return sm::app::kExitBadInput;
}
