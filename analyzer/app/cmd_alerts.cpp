// `alerts`: the alerting rules of the catalog as a Prometheus rules file, a PrometheusRule
// manifest or Loki ruler rules.
#include <cstdio>
#include <fstream>
#include <string>

#include "alerts/alert_rules.h"
#include "app/commands.h"
#include "catalog/catalog.h"

namespace sm::app {

int run_alerts(const AlertsArgs& args) {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog(args.patterns_dir, issues);
  for (const auto& i : issues) std::fprintf(stderr, "%s\n", i.str().c_str());
  if (!cat.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", cat.error().message.c_str());
    return kExitBadInput;
  }
  if (!issues.empty()) {
    std::fprintf(stderr, "sparkmedic-analyze: alerts: the catalog has problems (above); no rules written\n");
    return kExitBadInput;
  }
  alerts::GenOptions opt;
  if (!args.runbook_base_url.empty()) opt.runbook_base_url = args.runbook_base_url;
  for (const auto& [flag, value] : {std::pair{"--max-for", &args.max_for}, std::pair{"--interval", &args.interval}}) {
    if (!value->empty() && !catalog::parse_prom_duration(*value)) {
      std::fprintf(stderr, "sparkmedic-analyze: alerts: %s '%s' is not a duration (e.g. 4s, 1m)\n", flag, value->c_str());
      return kExitBadInput;
    }
  }
  if (!args.max_for.empty()) opt.max_for_ms = catalog::parse_prom_duration(args.max_for);
  opt.interval = args.interval;
  opt.manifest_namespace = args.manifest_namespace;
  std::string error, text;
  if (args.format == "prometheusrule") text = alerts::prometheus_rule_manifest(*cat, opt, error);
  else if (args.format == "loki") text = alerts::loki_rules(*cat, opt, error);
  else text = alerts::prometheus_rules(*cat, opt, error);
  if (!error.empty()) {
    std::fprintf(stderr, "sparkmedic-analyze: alerts: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (args.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::ofstream f(args.out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "sparkmedic-analyze: alerts: cannot write %s\n", args.out.c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace sm::app
