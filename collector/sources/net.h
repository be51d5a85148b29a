#pragma once
// Shared by the network sources: what they learn about the application (History Server and
// Spark UI fill it; Prometheus and Alertmanager read its time window), and a download helper
// that stages one answer under the caps.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.h"
#include "options.h"
#include "staging.h"

namespace sm::collect {

struct AppInfo {
  std::string id;
  std::string name;
  int64_t start_ms = 0;  // earliest attempt start (epoch ms), 0 unknown
  int64_t end_ms = 0;    // latest attempt end, 0 while running or unknown
  bool running = false;
  // spark.metrics.namespace as the application's environment shows it (unexpanded).
  std::optional<std::string> metrics_namespace;
};

struct NetContext {
  const Options& options;
  Staging& staging;
  HttpClient& http;
  std::string scratch_dir;              // private, outside the bundle: downloads to unpack
  std::map<std::string, AppInfo> apps;  // by application id
};

struct Fetched {
  HttpAnswer answer;
  bool ok = false;  // 2xx: the answer is staged at bundle_path
  std::string bundle_path;
};

// GETs url into bundle_path for `source` (the path must be free), writing at most what the
// caps leave. A non-2xx answer is not staged (ok = false; answer.body holds its first bytes).
// Transport failures (refused, timeout, TLS) are errors.
Result<Fetched> fetch_into(NetContext& ctx, const std::string& source, const std::string& url,
                           const std::string& bundle_path);

// Reads a staged JSON file back for parsing (size-limited).
Result<std::string> read_staged(const NetContext& ctx, const std::string& bundle_path);

// "http://host:18080/" -> "http://host:18080"
std::string trim_base(std::string url);

// Epoch seconds -> "2024-05-01T10:00:00Z" (Prometheus and Alertmanager take RFC 3339).
std::string rfc3339(int64_t epoch_seconds);

}  // namespace sm::collect

namespace sm::collect {

// Stages bytes the collector already holds (merged task-list pages, filtered alerts) at
// bundle_path for `source`, cut at what the caps leave.
Status stage_bytes(NetContext& ctx, const std::string& source, const std::string& bundle_path, std::string_view bytes,
                   const std::string& origin);

}  // namespace sm::collect
