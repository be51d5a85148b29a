#pragma once
// Local file sources: Spark event logs and log files named on the command line (paths,
// directories or globs). Selection follows Spark's own naming so `--app-id` picks the right
// logs out of a whole spark.eventLog.dir:
//   single file   <appId>[_<attemptId>][.<codec>][.inprogress]
//   rolling dir   eventlog_v2_<appId>[_<attemptId>]/ (events_<N>_..., appstatus_...)
//   Spark 1.x dir a directory holding EVENT_LOG_<N> (named <appId>, or <appName>-<millis>
//                 before Spark 1.3)
//   Databricks    a directory holding "eventlog" and rotated eventlog-<date> parts
// where <appId> is written the way Spark writes it (Utils.sanitizeDirName: ' ', ':' and '/'
// become '-', '.', '$', '{', '}', quotes become '_', lower case).
#include <string>
#include <string_view>

#include "options.h"
#include "plan.h"

namespace sm::collect {

// Spark's Utils.sanitizeDirName.
std::string spark_sanitize(std::string_view s);

// True when `name` (a file or directory name in an event-log directory) is a log Spark
// wrote for `app_id`.
bool eventlog_name_matches(std::string_view name, std::string_view app_id);

// True when a Spark 1.0-1.2 log directory name "<sanitized app name>-<millis>" is for app_name.
bool legacy_dir_matches_app_name(std::string_view name, std::string_view app_name);

bool is_glob(std::string_view s);

// Adds what `spec` selects to the event-log source. A path named explicitly is taken as it
// is; globs and directories of many applications are filtered by --app-id.
void select_event_logs(const std::string& spec, const Options& options, PlannedSource& source);

// Adds the log files `spec` selects, under `bundle_dir` ("logs/driver"). Files found through
// a glob or a directory are left out when they were last modified before --since.
void select_logs(const std::string& spec, const std::string& bundle_dir, const Options& options,
                 PlannedSource& source);

}  // namespace sm::collect
