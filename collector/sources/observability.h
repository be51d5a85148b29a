#pragma once
// Prometheus range queries and Alertmanager alerts over the application's time window.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sources/net.h"

namespace sm::collect {

// The window the metric and alert sources read: --since/--until where given, else the
// application's run as the History Server or Spark UI reported it, widened by kWindowPad on
// both sides (now for a running application). nullopt (with *why) when nothing says when.
struct TimeRange {
  int64_t start = 0, end = 0;  // epoch seconds
  std::string how;             // for notes: "--since/--until", "application app-1 (History Server)"
};
inline constexpr int64_t kWindowPadSeconds = 60;
std::optional<TimeRange> collection_window(const NetContext& ctx, std::string* why);

// The default query set (docs/collector.md lists it): each query names real metrics of
// Spark's PrometheusServlet sink (metrics_<namespace>_driver_...) and of the driver UI's
// /metrics/executors/prometheus (metrics_executor_..., labelled application_id), of the
// standalone Master and Worker sinks, and Prometheus's own ALERTS series. Placeholders:
// ${app_ids} (regex alternation of the application ids) and ${metrics_namespaces} (the
// spark.metrics.namespace values, normalised the way PrometheusServlet does).
const std::vector<NamedQuery>& default_prometheus_queries();

// PrometheusServlet's key normalisation: every character outside [a-zA-Z0-9] becomes '_'.
std::string prometheus_servlet_name(std::string_view s);

bundle::SourceRecord collect_prometheus(NetContext& ctx);
bundle::SourceRecord collect_alertmanager(NetContext& ctx);

}  // namespace sm::collect
