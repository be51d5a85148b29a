#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "analyze/analyze.h"
#include "app/commands.h"
#include "catalog/catalog.h"
#include "report/report.h"

namespace sm::app {

int run_analyze(AnalyzeArgs args) {
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog(args.patterns_dir, issues);
  for (const auto& i : issues) std::fprintf(stderr, "sparkmedic-analyze: pattern catalog: %s\n", i.str().c_str());
  if (!cat.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", cat.error().message.c_str());
    return kExitBadInput;
  }
  analyze::AnalyzeOptions opts;
  opts.patterns_dir = args.patterns_dir;
  if (!args.index_path.empty()) opts.index_path = args.index_path;
  opts.correlate.runbook_base_url = args.runbook_base_url;
  auto r = analyze::analyze(args.paths, opts, *cat);
  if (!r.ok()) {
    std::fprintf(stderr, "sparkmedic-analyze: %s\n", r.error().message.c_str());
    return kExitBadInput;
  }
  report::ReportInput in{&r->diagnoses, &r->apps, &r->issues, &r->rule_errors, args.paths};
  std::string out;
  if (args.json) out = report::render_json(in);
  else if (args.markdown) out = report::render_markdown(in);
  else out = report::render_terminal(in, args.color || (::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr));
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (!args.html_path.empty()) {
    std::ofstream html(args.html_path, std::ios::binary | std::ios::trunc);
    std::string page = report::render_html(in);
    html.write(page.data(), static_cast<std::streamsize>(page.size()));
    if (!html) {
      std::fprintf(stderr, "sparkmedic-analyze: %s: cannot write the HTML report\n", args.html_path.c_str());
      return kExitBadInput;
    }
  }
  // Nothing readable at all: bad input. A named cause or a visible failure: a problem.
  bool anything = !r->apps.empty();
  if (!anything) {
    for (const auto& d : r->diagnoses) anything |= !d.findings.empty();
    if (!anything && !r->issues.empty()) return kExitBadInput;
  }
  for (const auto& d : r->diagnoses)
    if (d.root_cause || d.cannot_tell || !d.findings.empty()) return kExitProblem;
  return kExitOk;
}

}  // namespace sm::app
