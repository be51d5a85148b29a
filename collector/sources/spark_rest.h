#pragma once
// Spark's REST API (/api/v1), served by the History Server and by a live application's UI.
// Endpoints, as declared in Spark 3.5.9 and 4.0.1 (ApiRootResource, OneApplicationResource /
// AbstractApplicationResource, StagesResource; checked in the spark-core jars):
//   /applications                                   resolve --app-name, list the UI's app
//   /applications/{appId}                           application.json (attempts, times)
//   /applications/{appId}[/{attemptId}]/jobs        jobs.json
//                                      /stages      stages.json (status, failureReason)
//                                      /executors   executors.json (active)
//                                      /allexecutors allexecutors.json (with removeReason)
//                                      /environment environment.json (Spark redacts with
//                                                   spark.redaction.regex; we redact again)
//   .../stages/{stageId}/{stageAttemptId}/taskList?status=FAILED&offset=&length=
//                                                   tasks/stage-<id>-attempt-<n>-failed.json
//   /applications/{appId}/logs                      History Server only: a zip of the event
//                                                   log files, unpacked into eventlogs/
//   /version                                        version.json
#include <optional>
#include <string>
#include <vector>

#include "sources/net.h"

namespace sm::collect {

enum class SparkRest { history_server, spark_ui };

// The application id for --app-name: the most recent application of that name (whose run
// overlaps --since/--until when given) on the History Server, else the Spark UI. nullopt with
// *why set when none matches or the servers cannot be asked.
std::optional<std::string> resolve_app_name(HttpClient& http, const Options& options, std::string* why,
                                            std::string* note);

// The applications a live Spark UI serves (a driver serves its own), for a run given only
// --spark-ui; empty (with *why) when it cannot be asked.
std::vector<std::string> spark_ui_applications(HttpClient& http, const std::string& base, std::string* why);

// Collects one REST source into history/ or spark-ui/ (and eventlogs/ for the History
// Server's /logs). Never fails as a whole: problems are in the record.
bundle::SourceRecord collect_spark_rest(NetContext& ctx, SparkRest which);

}  // namespace sm::collect
