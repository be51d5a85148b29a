#include "sources/worker_dirs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace sm::collect {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> children(const std::string& dir, std::string* error) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
  if (ec && error != nullptr) *error = dir + ": cannot list: " + ec.message();
  std::sort(names.begin(), names.end());
  return names;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// stdout, stderr and their rolled parts (spark.executor.logs.rolling.*: stderr.1,
// stderr--2024-05-01--10-00 ...).
bool log_name(const std::string& n) { return n.rfind("stdout", 0) == 0 || n.rfind("stderr", 0) == 0; }

void add_logs(const std::string& dir, const std::string& bundle_dir, const Options& o, PlannedSource& src) {
  for (const auto& f : children(dir, nullptr)) {
    if (!log_name(f)) continue;
    const std::string full = dir + "/" + f;
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (o.since && st.st_mtim.tv_sec < *o.since) continue;  // cannot hold lines from the window
    src.add_file(full, src.claim_root(bundle_dir, f), static_cast<uint64_t>(st.st_size));
  }
}

}  // namespace

void select_worker_dir(const std::string& dir, const Options& o, PlannedSource& src) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    src.errors.push_back(dir + ": " + std::strerror(errno));
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    src.errors.push_back(dir + ": not a directory");
    return;
  }
  std::string err;
  const auto apps = children(dir, &err);
  if (!err.empty()) {
    src.errors.push_back(err);
    return;
  }
  const bool filtered = !o.app_ids.empty() || o.app_name.has_value();
  const size_t before = src.files.size();
  bool drivers_left_out = false;
  for (const auto& app : apps) {
    const std::string app_dir = dir + "/" + app;
    if (!is_dir(app_dir)) continue;
    if (app.rfind("driver-", 0) == 0) {
      if (filtered) drivers_left_out = true;
      else add_logs(app_dir, "logs/driver/" + app, o, src);
      continue;
    }
    if (filtered && std::find(o.app_ids.begin(), o.app_ids.end(), app) == o.app_ids.end()) continue;
    for (const auto& exec : children(app_dir, nullptr))
      if (is_dir(app_dir + "/" + exec)) add_logs(app_dir + "/" + exec, "logs/executors/" + exec + "/" + app, o, src);
  }
  if (drivers_left_out)
    src.notes.push_back(dir + ": driver-* directories are not tied to an application id; pass them with --driver-log");
  if (src.files.size() == before)
    src.notes.push_back(dir + (filtered ? ": no executor logs of the requested applications" : ": no executor logs") +
                        (o.since ? " (after the --since filter)" : ""));
}

}  // namespace sm::collect
