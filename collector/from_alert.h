#pragma once
// `--from-alert FILE`: the application, namespace and time window to collect, read from an
// Alertmanager webhook payload (version 4) or from alerts as Alertmanager's API returns them
// (one object or an array, GET /api/v2/alerts). Label values are data: they are validated,
// never passed to a shell, and escaped wherever they go into a URL or a query.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace sm::collect {

inline constexpr uint64_t kMaxAlertFileBytes = 4u << 20;   // a webhook batch is kilobytes
inline constexpr int64_t kAlertLookbackSeconds = 30 * 60;  // before the first alert started
inline constexpr int64_t kAlertTrailSeconds = 5 * 60;      // after the last one ended

struct AlertSelection {
  std::vector<std::string> app_ids;       // distinct, in order of appearance
  std::optional<std::string> app_name;    // when no id is labelled
  std::optional<std::string> namespace_;  // Kubernetes namespace label, if any
  int64_t since = 0;                      // epoch seconds
  int64_t until = 0;
  std::vector<std::string> alertnames;    // distinct
  size_t alerts = 0;
  std::string alerts_json;                // the alerts as a JSON array (staged into the bundle)
  std::vector<std::string> notes;         // how each value was chosen, for the manifest
};

// Label names that carry the application id, in order of preference: Spark's executor metrics
// (application_id), the lab's and common scrape relabelling (app_id), Spark on Kubernetes' pod
// label as Prometheus relabels it (spark_app_selector) and as kube-state-metrics exports it
// (label_spark_app_selector).
const std::vector<std::string_view>& alert_app_id_labels();
const std::vector<std::string_view>& alert_app_name_labels();

// Parses `text` (the file's content; `display` names it in errors). `now` bounds the window.
Result<AlertSelection> select_from_alerts(std::string_view text, const std::string& display, int64_t now);
// Reads the file (or "-" for stdin), with the size bound, then select_from_alerts.
Result<AlertSelection> read_alert_file(const std::string& path, int64_t now);

}  // namespace sm::collect
