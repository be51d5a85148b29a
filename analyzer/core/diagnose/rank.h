#pragma once
// Turns raw findings into one story: confidence from corroboration and data quality, the
// explains-graph to put symptoms under their cause, the root cause first, and "cannot tell"
// with the data that would decide when the evidence does not settle it.
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "diagnose/correlate.h"
#include "diagnose/diagnosis.h"

namespace sm::diagnose {

// What the input held, so the diagnosis can say what is missing.
struct DataQuality {
  bool has_eventlog = false;
  bool eventlog_complete = false;  // an ApplicationEnd was seen
  bool has_driver_log = false;
  bool has_executor_logs = false;
  bool has_k8s = false;
  bool has_metrics = false;
  bool app_failed = false;         // the application did not succeed
  std::vector<std::string> truncated;  // files or sources cut by a cap or mid-stream
};

// Confidence per finding; at most this much is gained per corroborating independent source.
inline constexpr double kCorroborationFactor = 0.6;   // remaining doubt kept per extra source
inline constexpr double kTruncationPenalty = 0.8;     // when the evidence may have been cut
inline constexpr double kMaxConfidence = 0.99;

void rank(Diagnosis& d, const catalog::Catalog& catalog, const DataQuality& dq, const CorrelateOptions& opts);

}  // namespace sm::diagnose
