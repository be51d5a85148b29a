#include "analyze/route.h"

#include "eventlog/reader.h"

namespace sm::analyze {
namespace {
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
}  // namespace

const char* kind_name(EntryKind k) {
  switch (k) {
    case EntryKind::manifest: return "manifest";
    case EntryKind::eventlog: return "eventlog";
    case EntryKind::driver_log: return "driver_log";
    case EntryKind::executor_log: return "executor_log";
    case EntryKind::other_log: return "other_log";
    case EntryKind::k8s_pods: return "k8s_pods";
    case EntryKind::k8s_events: return "k8s_events";
    case EntryKind::k8s_sparkapplications: return "k8s_sparkapplications";
    case EntryKind::k8s_nodes: return "k8s_nodes";
    case EntryKind::prometheus: return "prometheus";
    case EntryKind::alertmanager: return "alertmanager";
    case EntryKind::loki: return "loki";
    case EntryKind::jaeger: return "jaeger";
    case EntryKind::history: return "history";
    case EntryKind::spark_ui: return "spark_ui";
    case EntryKind::unknown: return "unknown";
  }
  return "unknown";
}

catalog::StreamMask streams_for(EntryKind k) {
  switch (k) {
    case EntryKind::driver_log: return catalog::kDriverLog;
    case EntryKind::executor_log: return catalog::kExecutorLog;
    case EntryKind::other_log: return catalog::kOtherLog;
    // A log of unknown origin (a paste in a ticket) may be any of them.
    default: return catalog::kDriverLog | catalog::kExecutorLog | catalog::kOtherLog;
  }
}

Route route_by_path(std::string_view path) {
  Route r;
  if (path == "manifest.json") r.kind = EntryKind::manifest;
  else if (starts_with(path, "eventlogs/")) r.kind = EntryKind::eventlog;
  else if (starts_with(path, "logs/driver/")) r.kind = EntryKind::driver_log;
  else if (starts_with(path, "logs/executors/")) {
    r.kind = EntryKind::executor_log;
    std::string_view rest = path.substr(15);
    size_t slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0) r.executor_id = std::string(rest.substr(0, slash));
  } else if (starts_with(path, "logs/")) r.kind = EntryKind::other_log;
  else if (starts_with(path, "kubernetes/pods/")) r.kind = EntryKind::k8s_pods;
  else if (starts_with(path, "kubernetes/events/")) r.kind = EntryKind::k8s_events;
  else if (starts_with(path, "kubernetes/sparkapplications/")) r.kind = EntryKind::k8s_sparkapplications;
  else if (starts_with(path, "kubernetes/nodes/")) r.kind = EntryKind::k8s_nodes;
  else if (starts_with(path, "prometheus/")) r.kind = EntryKind::prometheus;
  else if (starts_with(path, "alertmanager/") || starts_with(path, "alert/")) r.kind = EntryKind::alertmanager;
  else if (starts_with(path, "loki/")) r.kind = EntryKind::loki;
  else if (starts_with(path, "jaeger/")) r.kind = EntryKind::jaeger;
  else if (starts_with(path, "history/")) r.kind = EntryKind::history;
  else if (starts_with(path, "spark-ui/")) r.kind = EntryKind::spark_ui;
  r.stream = streams_for(r.kind);
  return r;
}

EntryKind sniff_kind(std::string_view head) {
  if (eventlog::looks_like_event_log(head)) return EntryKind::eventlog;
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  std::string_view h = head.substr(i);
  if (!h.empty() && (h[0] == '{' || h[0] == '[')) {
    // JSON documents the collector writes (or people export by hand).
    if (h.find("\"resultType\"") != std::string_view::npos && h.find("\"matrix\"") != std::string_view::npos)
      return EntryKind::prometheus;
    if (h.find("\"kind\":\"PodList\"") != std::string_view::npos || h.find("\"kind\": \"PodList\"") != std::string_view::npos)
      return EntryKind::k8s_pods;
    if (h.find("\"kind\":\"EventList\"") != std::string_view::npos || h.find("\"kind\": \"EventList\"") != std::string_view::npos)
      return EntryKind::k8s_events;
    if (h.find("\"fingerprint\"") != std::string_view::npos && h.find("\"labels\"") != std::string_view::npos)
      return EntryKind::alertmanager;
  }
  return EntryKind::other_log;
}

}  // namespace sm::analyze
