#include "diagnose/rank.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <functional>
#include <set>

#include "alerts/alert_rules.h"

namespace sm::diagnose {

void rank(Diagnosis& d, const catalog::Catalog& catalog, const DataQuality& dq, const CorrelateOptions& opts) {
  // 1. Confidence: the rule's score, made surer by each independent source that agrees, and
  //    less sure when the data it relies on was cut short.
  for (auto& f : d.findings) {
    double doubt = 1.0 - f.score;
    size_t extra = f.sources.size() > 1 ? f.sources.size() - 1 : 0;
    doubt *= std::pow(kCorroborationFactor, static_cast<double>(extra));
    double c = 1.0 - doubt;
    if (!dq.truncated.empty()) c *= kTruncationPenalty;
    f.confidence = std::min(kMaxConfidence, std::round(c * 100.0) / 100.0);
    f.runbook_url = alerts::runbook_url(opts.runbook_base_url.empty() ? std::string_view("runbooks/") : opts.runbook_base_url, f.runbook);
  }
  // 2. Explains-graph: B is a symptom of A when A's class explains B's and A did not happen
  //    after B (beyond a slack for logging delays). Pick the most confident explainer.
  std::map<std::string, const catalog::PatternFile*> cls;
  for (const auto& c : catalog.classes) cls[c.id] = &c;
  for (auto& b : d.findings) {
    const Finding* best = nullptr;
    for (const auto& a : d.findings) {
      if (&a == &b) continue;
      auto it = cls.find(a.failure_class);
      if (it == cls.end()) continue;
      const auto& ex = it->second->explains;
      if (std::find(ex.begin(), ex.end(), b.failure_class) == ex.end()) continue;
      if (a.first_ts && b.first_ts && *a.first_ts > *b.first_ts + opts.explains_slack_ms) continue;
      if (!best || a.confidence > best->confidence) best = &a;
    }
    if (best) b.explained_by = best->failure_class;
  }
  for (auto& a : d.findings)
    for (const auto& b : d.findings)
      if (b.explained_by && *b.explained_by == a.failure_class) a.explains.push_back(b.failure_class);
  // 3. Order: unexplained findings by confidence (earlier first on ties), each followed by
  //    the symptoms it explains.
  std::vector<Finding> roots, symptoms;
  for (auto& f : d.findings) (f.explained_by ? symptoms : roots).push_back(std::move(f));
  auto by_conf = [](const Finding& x, const Finding& y) {
    if (x.confidence != y.confidence) return x.confidence > y.confidence;
    return x.first_ts.value_or(INT64_MAX) < y.first_ts.value_or(INT64_MAX);
  };
  std::sort(roots.begin(), roots.end(), by_conf);
  std::sort(symptoms.begin(), symptoms.end(), by_conf);
  std::vector<Finding> ordered;
  std::set<std::string> placed;
  std::function<void(const std::string&)> place_children = [&](const std::string& parent) {
    for (auto& s : symptoms)
      if (s.explained_by && *s.explained_by == parent && !placed.count(s.failure_class)) {
        placed.insert(s.failure_class);
        ordered.push_back(s);
        place_children(s.failure_class);
      }
  };
  for (auto& r : roots) {
    placed.insert(r.failure_class);
    ordered.push_back(r);
    place_children(r.failure_class);
  }
  for (auto& s : symptoms)
    if (!placed.count(s.failure_class)) ordered.push_back(s);
  d.findings = std::move(ordered);
  // 4. The root cause, or "cannot tell" with what would decide. A top finding that is itself
  //    a known symptom of other classes (lost executors, fetch failures, RPC timeouts...) is
  //    not named as the root when the data that could show its cause was cut short: the cause
  //    may be in the part that is missing.
  std::set<std::string> explainable;
  for (const auto& c : catalog.classes)
    for (const auto& e : c.explains) explainable.insert(e);
  const bool top_is_symptom_class = !d.findings.empty() && explainable.count(d.findings.front().failure_class) > 0;
  if (!d.findings.empty() && !d.findings.front().explained_by && d.findings.front().confidence >= opts.confidence_floor &&
      !(top_is_symptom_class && !dq.truncated.empty())) {
    d.root_cause = d.findings.front();
  } else if (dq.app_failed || (!d.findings.empty() && d.findings.front().confidence >= opts.confidence_floor)) {
    // A failed (or unfinished) application without a decided cause, or a strong finding we
    // will not name because its cause may be in missing data. Weak findings in an application
    // that succeeded are only listed.
    d.cannot_tell = true;
  }
  if (d.cannot_tell || (d.root_cause && d.root_cause->confidence < 0.8)) {
    if (!dq.has_eventlog) d.missing_data.push_back("the Spark event log (spark.eventLog.dir, or the History Server's /api/v1/applications/<id>/logs)");
    else if (!dq.eventlog_complete) d.missing_data.push_back("the rest of the event log: it has no application end (in progress, killed, or cut)");
    if (!dq.has_driver_log) d.missing_data.push_back("the driver log (client stdout/stderr, the driver pod's log, or the YARN AM log)");
    if (!dq.has_executor_logs) d.missing_data.push_back("executor logs (worker stdout/stderr, executor pod logs with --previous, or Loki)");
    if (!dq.has_k8s) d.missing_data.push_back("on Kubernetes: pod statuses and events (kubectl get pods,events -o json), since executor pods are deleted within seconds");
    if (!dq.has_metrics) d.missing_data.push_back("executor memory metrics (Prometheus range queries over the run) to compare memory with its limit");
    for (const auto& t : dq.truncated) d.missing_data.push_back("the complete " + t + " (it was cut short)");
  }
}

}  // namespace sm::diagnose
