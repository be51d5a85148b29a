// sparkmedic-analyze: reads bundles and Spark logs offline and names the root cause of a
// failure with its evidence. This program has no network code at all (a test checks its
// imported symbols).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sparkmedic-analyze: why a Spark application failed, from a bundle, an event log or a pasted log, offline"};
  app.set_version_flag("--version", std::string("sparkmedic-analyze ") + SPARKMEDIC_VERSION);
  app.require_subcommand(0, 1);

  sm::app::AnalyzeArgs analyze_args;
  app.add_option("paths", analyze_args.paths, "Bundle (.tar.zst/.tar.gz/.tar/.zip or directory), event log, log file, or - for stdin");
  app.add_flag("--json", analyze_args.json, "Print JSON (schema sparkmedic.diagnosis/v1)");
  app.add_flag("--markdown", analyze_args.markdown, "Print Markdown (for tickets)");
  app.add_option("--html", analyze_args.html_path, "Also write a self-contained HTML report to this file");
  app.add_option("--index", analyze_args.index_path, "Keep the SQLite index in this file (docs/index-schema.md)");
  app.add_option("--patterns", analyze_args.patterns_dir, "Load pattern files from this directory over the built-in catalog");
  app.add_option("--runbook-base-url", analyze_args.runbook_base_url, "Base URL for runbook links (default: runbooks/ relative)");
  app.add_flag("--color,!--no-color", analyze_args.color, "Color the terminal report (default: when stdout is a terminal)");
  app.add_flag("-q,--quiet", analyze_args.quiet, "No progress on stderr");

  sm::app::SummaryArgs summary_args;
  auto* summary = app.add_subcommand("summary", "Summarise the Spark event logs in PATH (bundle, archive, directory, file, or -)");
  summary->add_option("paths", summary_args.paths, "Inputs")->required();
  summary->add_flag("--json", summary_args.json, "Print JSON (schema sparkmedic.summary/v1) instead of text");
  summary->add_option("--index", summary_args.index_path, "Also write the SQLite index to this file");
  summary->add_option("--quantiles", summary_args.quantiles, "Task-summary quantiles (default 0,0.05,0.25,0.5,0.75,0.95,1)")
      ->delimiter(',');
  summary->add_flag("-q,--quiet", summary_args.quiet, "No progress on stderr");

  sm::app::PatternsArgs patterns_args;
  auto* patterns = app.add_subcommand("patterns", "The failure-pattern catalog");
  patterns->require_subcommand(1);
  patterns->add_option("--patterns", patterns_args.patterns_dir, "Pattern directory to load over the built-in catalog");
  auto* plist = patterns->add_subcommand("list", "List every failure class with its code, severity and runbook");
  auto* pexplain = patterns->add_subcommand("explain", "Show one class: meaning, signatures, rules, runbook");
  pexplain->add_option("class_or_code", patterns_args.target, "A failure class (executor_heap_oom) or code (SM-...)")->required();
  auto* pcheck = patterns->add_subcommand("check", "Check the catalog: syntax, examples, rules, runbooks, explains-graph");
  auto* pscan = patterns->add_subcommand("scan", "Count the lines each signature matches in plain log files (one Hyperscan pass; like grep -c per pattern)");
  pscan->add_option("files", patterns_args.files, "Log files (uncompressed text)")->required();
  pscan->add_flag("--json", patterns_args.json, "Print JSON: bytes, lines matched per signature, seconds");

  sm::app::AlertsArgs alerts_args;
  auto* alerts = app.add_subcommand("alerts", "Write the alerting rules generated from the catalog (docs/alerts.md)");
  alerts->add_option("--format", alerts_args.format, "prometheus (rules file), prometheusrule (prometheus-operator manifest) or loki (ruler)")
      ->check(CLI::IsMember({"prometheus", "prometheusrule", "loki"}));
  alerts->add_option("--runbook-base-url", alerts_args.runbook_base_url,
                     "Where runbooks/ is served; every runbook_url is this plus <class runbook>.md");
  alerts->add_option("--max-for", alerts_args.max_for, "Cap every 'for' at this duration (lab rehearsals, e.g. 4s)");
  alerts->add_option("--interval", alerts_args.interval, "Evaluation interval of every group (default: the server's)");
  alerts->add_option("--namespace", alerts_args.manifest_namespace, "metadata.namespace of the PrometheusRule manifest");
  alerts->add_option("--patterns", alerts_args.patterns_dir, "Pattern directory to load over the built-in catalog");
  alerts->add_option("-o,--output", alerts_args.out, "Write to this file instead of stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : sm::app::kExitBadInput;
  }
  if (summary->parsed()) return sm::app::run_summary(summary_args);
  if (patterns->parsed()) {
    if (plist->parsed()) return sm::app::run_patterns_list(patterns_args);
    if (pexplain->parsed()) return sm::app::run_patterns_explain(patterns_args);
    if (pcheck->parsed()) return sm::app::run_patterns_check(patterns_args);
    if (pscan->parsed()) return sm::app::run_patterns_scan(patterns_args);
  }
  if (alerts->parsed()) return sm::app::run_alerts(alerts_args);
  if (analyze_args.paths.empty()) {
    std::fputs(app.help().c_str(), stderr);
    return sm::app::kExitBadInput;
  }
  return sm::app::run_analyze(analyze_args);
}
