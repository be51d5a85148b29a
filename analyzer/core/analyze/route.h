#pragma once
// Decides what a file of the input is: by its place in a sparkmedic bundle (docs/bundle-format.md)
// or, for anything else, by sniffing its first decoded bytes.
#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"

namespace sm::analyze {

enum class EntryKind {
  manifest, eventlog, driver_log, executor_log, other_log, k8s_pods, k8s_events,
  k8s_sparkapplications, k8s_nodes, prometheus, alertmanager, loki, jaeger, history, spark_ui,
  unknown  // not placed in a bundle directory: sniff it
};

const char* kind_name(EntryKind k);

struct Route {
  EntryKind kind = EntryKind::unknown;
  std::optional<std::string> executor_id;  // logs/executors/<id>/...
  catalog::StreamMask stream = 0;          // for logs
};

// By path inside a bundle ("logs/executors/3/stderr" -> executor log of executor 3).
Route route_by_path(std::string_view path);

// By content (first decoded bytes): an event log, a JSON document we know, or a log.
EntryKind sniff_kind(std::string_view head);

// The streams a log of that kind is scanned as.
catalog::StreamMask streams_for(EntryKind k);

}  // namespace sm::analyze
