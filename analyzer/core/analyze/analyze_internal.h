#pragma once
// Steps of analyze() that work on the index after ingestion (private to analyze/*.cpp).
#include <set>
#include <string>

#include "analyze/log_ingest.h"
#include "diagnose/diagnosis.h"
#include "diagnose/rank.h"
#include "eventlog/model.h"
#include "util/sqlite.h"

namespace sm::analyze {

// Runs the event log's failure texts (task failures, stage and job failure reasons, executor
// removal reasons, SQL errors) through the signatures.
Status scan_eventlog_texts(sql::Db& db, LogIngestor& logs, int64_t app_key);

// What the index holds for this application: which sources exist, what was cut.
diagnose::DataQuality data_quality(sql::Db& db, int64_t app_key, const eventlog::AppModel* model,
                                   const std::set<std::string>& truncated_files);

// Application identity, outcome, source statuses and fired alerts.
void fill_context(sql::Db& db, diagnose::Diagnosis& d, const eventlog::AppModel* model, int64_t app_key);

// Stores the ranked findings in the `finding` table.
Status write_findings(sql::Db& db, const diagnose::Diagnosis& d, int64_t app_key);

}  // namespace sm::analyze
