#pragma once
// Spark standalone Worker work directories (--work-dir, default $SPARK_HOME/work): each
// executor runs in <workDir>/<appId>/<execId>/ with its stdout and stderr there
// (ExecutorRunner), and each driver of a cluster-mode submission in <workDir>/<driverId>/
// (DriverRunner). The executor logs become logs/executors/<execId>/<appId>/<file>; driver
// directories (driver-*) are taken only when no application is selected, since nothing in
// their names ties them to an application id.
#include <string>

#include "options.h"
#include "plan.h"

namespace sm::collect {

void select_worker_dir(const std::string& dir, const Options& options, PlannedSource& source);

}  // namespace sm::collect
