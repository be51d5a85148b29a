#pragma once
// Parsers for the structured sources (one function per kind). Each takes the whole JSON
// document of one bundle file and writes rows; errors name the file and the field.
#include <string>
#include <string_view>

#include "analyze/log_ingest.h"
#include "util/sqlite.h"

namespace sm::analyze {

struct StructuredContext {
  sql::Db& db;
  LogIngestor& logs;       // Loki lines and event messages go through the signature scan
  int64_t file_id;
  const std::string& path;
  const std::string& display;
};

// kubernetes/pods/*.json: a PodList or a Pod (kubectl get pods -o json / the API).
Status ingest_k8s_pods(StructuredContext& ctx, std::string_view json);
// kubernetes/events/*.json: an EventList (core/v1 or events.k8s.io/v1).
Status ingest_k8s_events(StructuredContext& ctx, std::string_view json);
// kubernetes/sparkapplications/*.json: SparkApplication(List) of the Spark Operator.
Status ingest_k8s_sparkapplications(StructuredContext& ctx, std::string_view json);
// kubernetes/nodes/*.json: NodeList or Node.
Status ingest_k8s_nodes(StructuredContext& ctx, std::string_view json);
// prometheus/*.json: an /api/v1/query_range answer (resultType matrix).
Status ingest_prometheus(StructuredContext& ctx, std::string_view json);
// alertmanager/alerts.json: /api/v2/alerts (array) or a webhook payload (version 4).
Status ingest_alertmanager(StructuredContext& ctx, std::string_view json);
// loki/*.json: a /loki/api/v1/query_range answer (resultType streams).
Status ingest_loki(StructuredContext& ctx, std::string_view json);
// jaeger/*.json: a /api/traces answer.
Status ingest_jaeger(StructuredContext& ctx, std::string_view json);

}  // namespace sm::analyze
