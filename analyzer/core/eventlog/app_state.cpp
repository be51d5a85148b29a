// AppStateBuilder: application, environment, jobs, stages, executors, exclusions, SQL.
// Task start/end handling is in app_state_tasks.cpp, finalisation in app_state_finish.cpp.
#include <algorithm>
#include <cctype>
#include <limits>

#include "eventlog/app_state_internal.h"

namespace sm::eventlog {

bool IndexSet::add(int64_t idx, int64_t expected_max) {
  if (idx < 0) return false;
  // Bitset up to a generous multiple of the stage's task count; beyond that a hash set.
  constexpr int64_t kBitsetSlack = 4096;
  int64_t bitset_limit = std::max<int64_t>(expected_max, 0) * 2 + kBitsetSlack;
  if (idx < bitset_limit) {
    auto word = static_cast<size_t>(idx / 64);
    auto bit = uint64_t{1} << (idx % 64);
    if (word >= words_.size()) words_.resize(word + 1, 0);
    if (words_[word] & bit) return false;
    words_[word] |= bit;
  } else {
    if (!sparse_.insert(idx).second) return false;
  }
  ++count_;
  return true;
}

AppStateBuilder::AppStateBuilder(BuilderOptions options) : options_(std::move(options)) {}
AppStateBuilder::~AppStateBuilder() = default;

void AppStateBuilder::count_event(std::string_view event_name, bool known) {
  auto it = event_counts_.find(event_name);
  if (it == event_counts_.end()) {
    // Bound the number of distinct names so a hostile log cannot grow this map forever.
    constexpr size_t kMaxDistinctEvents = 2000;
    if (event_counts_.size() >= kMaxDistinctEvents) event_name = "(other)";
    it = event_counts_.emplace(std::string(event_name), EventCount{std::string(event_name), 0, known}).first;
  }
  ++it->second.count;
}

void AppStateBuilder::observe_time(int64_t t) {
  if (t > model_.last_event_time) model_.last_event_time = t;
}

void AppStateBuilder::add_warning(ReaderWarning w) {
  constexpr size_t kMaxWarnings = 1000;
  if (model_.warnings.size() < kMaxWarnings) model_.warnings.push_back(std::move(w));
}

void AppStateBuilder::on_log_start(std::string_view spark_version) {
  model_.app.spark_version = std::string(spark_version);
}

void AppStateBuilder::on_application_start(
    std::string_view app_id, std::optional<std::string_view> attempt_id, std::string_view name,
    std::string_view user, int64_t time,
    const std::vector<std::pair<std::string_view, std::string_view>>& driver_logs) {
  auto& a = model_.app;
  // Keep what the environment told us when this event lacks a field (edited or odd logs).
  if (!app_id.empty()) a.app_id = std::string(app_id);
  if (attempt_id) a.attempt_id = std::string(*attempt_id);
  if (!name.empty()) a.name = std::string(name);
  if (!user.empty()) a.user = std::string(user);
  a.start_time = time;
  for (const auto& [k, v] : driver_logs) a.driver_log_urls[std::string(k)] = std::string(v);
  observe_time(time);
}

void AppStateBuilder::on_application_end(int64_t time, std::optional<int64_t> exit_code) {
  model_.app.end_time = time;
  model_.app.completed = true;
  model_.app.exit_code = exit_code;
  observe_time(time);
}

bool is_secret_property_key(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Spark's spark.redaction.regex default is (?i)secret|password|token|access[.]?key; we add
  // credential-like words seen in Hadoop/cloud connector keys.
  static const char* const kWords[] = {"secret", "password", "passwd", "token", "credential",
                                        "access.key", "accesskey", "access_key", "private.key",
                                        "privatekey", "sas.", "signature", "authorization", "auth.key",
                                        "apikey", "api.key", "api_key", "session.key", "keystore.pass",
                                        "truststore.pass"};
  for (const char* w : kWords)
    if (k.find(w) != std::string::npos) return true;
  return false;
}

void AppStateBuilder::on_environment(
    const std::vector<std::pair<std::string_view, std::string_view>>& spark_properties,
    std::string_view java_version, std::string_view scala_version) {
  auto& a = model_.app;
  for (const auto& [k, v] : spark_properties) {
    std::string value(v);
    if (is_secret_property_key(k) && value != kRedactedValue) {
      value = std::string(kRedactedValue);
      ++redacted_properties_;
    }
    a.spark_properties[std::string(k)] = std::move(value);
  }
  auto prop = [&](const char* key) -> std::string {
    auto it = a.spark_properties.find(key);
    return it == a.spark_properties.end() ? std::string() : it->second;
  };
  a.master = prop("spark.master");
  a.deploy_mode = prop("spark.submit.deployMode");
  if (a.name.empty()) a.name = prop("spark.app.name");
  if (a.app_id.empty()) a.app_id = prop("spark.app.id");
  a.java_version = std::string(java_version);
  a.scala_version = std::string(scala_version);
  std::string cpus = prop("spark.task.cpus");
  if (!cpus.empty()) {
    char* end = nullptr;
    double d = std::strtod(cpus.c_str(), &end);
    if (end != cpus.c_str() && d > 0) default_cpus_per_task_ = d;
  }
}

void AppStateBuilder::on_resource_profile_added(const ResourceProfileAddedEvent& e) {
  if (e.task_cpus && *e.task_cpus > 0) task_cpus_by_profile_[e.id] = *e.task_cpus;
}

AppStateBuilder::JobState* AppStateBuilder::job(int32_t id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : it->second.get();
}

AppStateBuilder::StageState* AppStateBuilder::live_stage(int32_t stage_id, int32_t attempt_id) {
  StageKey key{stage_id, attempt_id};
  if (auto it = shadows_.find(key); it != shadows_.end() && it->second->live) return it->second.get();
  auto it = stages_.find(key);
  if (it == stages_.end() || !it->second->live) return nullptr;
  return it->second.get();
}

static void apply_stage_info(StageAttempt& d, const StageInfoView& info) {
  d.stage_id = info.stage_id;
  d.attempt_id = info.attempt_id;
  d.name = std::string(info.name);
  d.num_tasks = info.num_tasks;
  constexpr size_t kMaxDetails = 2048;  // the call site; the full stack adds nothing here
  d.details = std::string(info.details.substr(0, kMaxDetails));
  if (info.submission_time) d.submission_time = info.submission_time;
  if (info.completion_time) d.completion_time = info.completion_time;
  if (info.failure_reason) d.failure_reason = std::string(*info.failure_reason);
  if (!info.parent_ids.empty()) d.parent_ids = info.parent_ids;
  d.resource_profile_id = info.resource_profile_id;
}

AppStateBuilder::StageState& AppStateBuilder::get_or_create_stage(const StageInfoView& info,
                                                                 bool from_job_start) {
  StageKey key{info.stage_id, info.attempt_id};
  auto it = stages_.find(key);
  if (it != stages_.end() && !it->second->live) {
    auto status = it->second->data.status;
    if (from_job_start && (status == StageStatus::complete || status == StageStatus::failed)) {
      // A finished stage listed again by a later job (its shuffle output is reused).
      auto& shadow = shadows_[key];
      if (!shadow || !shadow->live) {
        shadow = std::make_unique<StageState>();
        apply_stage_info(shadow->data, info);
      }
      return *shadow;
    }
    // A stage that never ran (skipped) and is now listed or submitted again starts afresh,
    // as in the History Server.
    stages_.erase(it);
    it = stages_.end();
  }
  if (it == stages_.end()) {
    it = stages_.emplace(key, std::make_unique<StageState>()).first;
  }
  apply_stage_info(it->second->data, info);
  return *it->second;
}

void AppStateBuilder::on_job_start(const JobStartEvent& e) {
  auto js = std::make_unique<JobState>();
  Job& j = js->data;
  j.job_id = e.job_id;
  // The History Server's (over-)estimate: tasks of stages not completed yet.
  for (const auto& si : e.stage_infos)
    if (!si.completion_time) j.num_tasks += si.num_tasks;
  const StageInfoView* last = nullptr;
  for (const auto& si : e.stage_infos)
    if (!last || si.stage_id > last->stage_id) last = &si;
  j.name = last ? std::string(last->name) : std::string();
  if (e.description) j.description = std::string(*e.description);
  if (e.job_group) j.job_group = std::string(*e.job_group);
  if (e.job_tags) {
    std::string_view tags = *e.job_tags;
    while (!tags.empty()) {
      size_t comma = tags.find(',');
      std::string_view tag = tags.substr(0, comma);
      if (!tag.empty()) j.job_tags.emplace_back(tag);
      if (comma == std::string_view::npos) break;
      tags.remove_prefix(comma + 1);
    }
  }
  j.sql_execution_id = e.sql_execution_id;
  if (e.time && *e.time > 0) j.submission_time = e.time;
  j.stage_ids = e.stage_ids;
  if (e.time) observe_time(*e.time);
  if (e.sql_execution_id) sql_[*e.sql_execution_id].job_ids.push_back(e.job_id);

  if (auto old = jobs_.find(e.job_id); old != jobs_.end())
    add_warning({model_.app.source_path, 0, "duplicate_job", "job " + std::to_string(e.job_id) + " started twice; keeping the later one"});
  jobs_[e.job_id] = std::move(js);
  live_job_ids_.push_back(e.job_id);

  for (const auto& si : e.stage_infos) {
    StageState& s = get_or_create_stage(si, /*from_job_start=*/true);
    s.job_ids.push_back(e.job_id);
    auto& ids = s.data.job_ids;
    if (std::find(ids.begin(), ids.end(), e.job_id) == ids.end()) ids.push_back(e.job_id);
  }
}

void AppStateBuilder::on_job_end(const JobEndEvent& e) {
  auto live_it = std::find(live_job_ids_.begin(), live_job_ids_.end(), e.job_id);
  if (live_it == live_job_ids_.end()) return;  // as the History Server: only live jobs end
  live_job_ids_.erase(live_it);
  JobState* js = job(e.job_id);
  if (!js) return;
  Job& j = js->data;
  // Pending stages of this job were skipped.
  auto skip_pending = [&](std::map<StageKey, std::unique_ptr<StageState>>& m) {
    for (auto& [key, s] : m) {
      if (!s->live || s->data.status != StageStatus::pending) continue;
      if (std::find(j.stage_ids.begin(), j.stage_ids.end(), key.first) == j.stage_ids.end()) continue;
      s->data.status = StageStatus::skipped;
      js->skipped_stage_ids.insert(key.first);
      j.skipped_tasks += s->data.num_tasks;
      // Spark 3.4+ (SPARK-41683) no longer decrements activeStages here: a pending stage was
      // never counted as active. Older History Servers reported negative numActiveStages.
      finalize_stage(*s);
    }
  };
  skip_pending(stages_);
  skip_pending(shadows_);
  j.status = e.succeeded ? JobStatus::succeeded : JobStatus::failed;
  if (!e.succeeded && !e.failure_message.empty()) j.failure_message = std::string(e.failure_message);
  if (e.time && *e.time > 0) j.completion_time = e.time;
  if (e.time) observe_time(*e.time);
  j.skipped_stages = static_cast<int32_t>(js->skipped_stage_ids.size());
  j.completed_stages = static_cast<int32_t>(js->completed_stage_ids.size());
  js->ended = true;
  js->written = j;
}

void AppStateBuilder::on_stage_submitted(const StageSubmittedEvent& e) {
  StageState& s = get_or_create_stage(e.info, /*from_job_start=*/false);
  s.data.status = StageStatus::active;
  s.data.scheduling_pool = e.pool ? std::string(*e.pool) : std::string("default");
  s.job_ids.clear();
  for (int32_t jid : live_job_ids_) {
    JobState* js = job(jid);
    if (js && std::find(js->data.stage_ids.begin(), js->data.stage_ids.end(), e.info.stage_id) != js->data.stage_ids.end())
      s.job_ids.push_back(jid);
  }
  for (int32_t jid : s.job_ids) {
    auto& ids = s.data.job_ids;
    if (std::find(ids.begin(), ids.end(), jid) == ids.end()) ids.push_back(jid);
  }
  if (e.description) s.data.description = std::string(*e.description);
  for (int32_t jid : s.job_ids) {
    JobState* js = job(jid);
    js->completed_stage_ids.erase(e.info.stage_id);
    js->data.completed_stages = static_cast<int32_t>(js->completed_stage_ids.size());
    js->data.active_stages += 1;
  }
  if (e.info.submission_time) observe_time(*e.info.submission_time);
}

void AppStateBuilder::on_stage_completed(const StageInfoView& info) {
  StageState* s = live_stage(info.stage_id, info.attempt_id);
  if (s) {
    apply_stage_info(s->data, info);
    if (info.failure_reason) {
      s->data.status = StageStatus::failed;
    } else if (info.submission_time) {
      s->data.status = StageStatus::complete;
    } else {
      s->data.status = StageStatus::skipped;
    }
    for (int32_t jid : s->job_ids) {
      JobState* js = job(jid);
      if (!js) continue;
      Job& j = js->data;
      switch (s->data.status) {
        case StageStatus::complete: js->completed_stage_ids.insert(info.stage_id); break;
        case StageStatus::skipped:
          js->skipped_stage_ids.insert(info.stage_id);
          j.skipped_tasks += info.num_tasks;
          break;
        default: j.failed_stages += 1;
      }
      j.completed_stages = static_cast<int32_t>(js->completed_stage_ids.size());
      j.skipped_stages = static_cast<int32_t>(js->skipped_stage_ids.size());
      j.active_stages -= 1;
    }
    if (s->data.active_tasks == 0) finalize_stage(*s);
  }
  if (info.completion_time) observe_time(*info.completion_time);
  update_dead_executor_retention();
}

AppStateBuilder::ExecutorState& AppStateBuilder::get_or_create_executor(std::string_view id, int64_t add_time) {
  auto it = executors_.find(id);
  if (it != executors_.end() && it->second->live) return *it->second;
  if (it != executors_.end()) {
    // Re-registered after removal: the History Server starts a new record; keep the evidence.
    const Executor& old = it->second->data;
    add_warning({model_.app.source_path, 0, "executor_reregistered",
                 "executor " + old.id + " registered again after it was removed (" +
                     old.remove_reason.value_or("no reason") + ")"});
    it->second = std::make_unique<ExecutorState>();
  } else {
    it = executors_.emplace(std::string(id), std::make_unique<ExecutorState>()).first;
    executor_order_.push_back(std::string(id));
  }
  it->second->data.id = std::string(id);
  it->second->data.add_time = add_time;
  return *it->second;
}

AppStateBuilder::ExecutorState* AppStateBuilder::live_executor(std::string_view id) {
  auto it = executors_.find(id);
  if (it == executors_.end() || !it->second->live) return nullptr;
  return it->second.get();
}

void AppStateBuilder::on_executor_added(const ExecutorAddedEvent& e) {
  ExecutorState& ex = get_or_create_executor(e.executor_id, e.time);
  Executor& d = ex.data;
  d.host = std::string(e.host);
  d.is_active = true;
  d.total_cores = e.total_cores;
  d.resource_profile_id = e.resource_profile_id;
  double cpus = default_cpus_per_task_;
  if (auto it = task_cpus_by_profile_.find(e.resource_profile_id); it != task_cpus_by_profile_.end()) cpus = it->second;
  d.max_tasks = cpus > 0 ? static_cast<int32_t>(e.total_cores / static_cast<int32_t>(std::max(1.0, cpus))) : e.total_cores;
  for (const auto& [k, v] : e.log_urls) d.log_urls[std::string(k)] = std::string(v);
  observe_time(e.time);
}

bool AppStateBuilder::executor_active_for_live_stages(const ExecutorState& ex) const {
  int64_t removed = ex.data.remove_time.value_or(0);
  auto overlaps = [&](const auto& m) {
    for (const auto& [key, s] : m)
      if (s->live && s->data.submission_time.value_or(0) < removed) return true;
    return false;
  };
  return overlaps(stages_) || overlaps(shadows_);
}

void AppStateBuilder::update_dead_executor_retention() {
  for (auto& [id, ex] : executors_)
    if (!ex->live && ex->retained_dead) ex->retained_dead = executor_active_for_live_stages(*ex);
}

void AppStateBuilder::on_executor_removed(int64_t time, std::string_view executor_id, std::string_view reason) {
  observe_time(time);
  ExecutorState* ex = live_executor(executor_id);
  if (!ex) return;
  ex->live = false;
  ex->data.is_active = false;
  ex->data.remove_time = time;
  ex->data.remove_reason = std::string(reason);
  ex->retained_dead = executor_active_for_live_stages(*ex);
}

void AppStateBuilder::on_block_manager_added(const BlockManagerAddedEvent& e) {
  ExecutorState& ex = get_or_create_executor(e.executor_id, e.time);
  Executor& d = ex.data;
  d.host_port = std::string(e.host) + ":" + std::to_string(e.port);
  if (d.host.empty()) d.host = std::string(e.host);
  if (e.max_on_heap) {
    d.max_on_heap_memory = e.max_on_heap;
    d.max_off_heap_memory = e.max_off_heap.value_or(0);
  }
  d.is_active = true;
  d.max_memory = e.max_mem;
  observe_time(e.time);
}

void AppStateBuilder::on_stage_executor_metrics(int32_t stage_id, int32_t attempt_id,
                                                std::string_view executor_id,
                                                const ExecutorMetricPeaks& peaks) {
  auto it = executors_.find(executor_id);
  if (it != executors_.end() && (it->second->live || it->second->retained_dead))
    it->second->data.peak_metrics.merge(peaks);
  if (StageState* s = live_stage(stage_id, attempt_id)) s->data.peak_executor_metrics.merge(peaks);
}

void AppStateBuilder::on_executor_metrics_update(std::string_view executor_id, int32_t stage_id,
                                                 int32_t attempt_id, const ExecutorMetricPeaks& peaks) {
  if (ExecutorState* ex = live_executor(executor_id)) ex->data.peak_metrics.merge(peaks);
  if (StageState* s = live_stage(stage_id, attempt_id)) s->data.peak_executor_metrics.merge(peaks);
}

void AppStateBuilder::on_exclusion(const ExclusionEvent& e) {
  constexpr size_t kMaxExclusions = 10000;
  if (model_.exclusions.size() < kMaxExclusions) model_.exclusions.push_back(e);
  observe_time(e.time);
  bool exclude = e.kind.find("unexcluded") == std::string::npos;
  if (e.kind.rfind("executor_", 0) == 0 && !e.stage_id) {
    if (ExecutorState* ex = live_executor(e.executor_id)) ex->data.is_excluded = exclude;
  } else if (e.kind.rfind("node_", 0) == 0 && !e.stage_id) {
    // Every executor on the node, never the driver (as AppStatusListener.updateNodeExcluded).
    for (auto& [id, ex] : executors_) {
      const auto& d = ex->data;
      std::string_view hostname = !d.host.empty() ? std::string_view(d.host)
                                                  : std::string_view(d.host_port).substr(0, d.host_port.find(':'));
      if (ex->live && id != "driver" && hostname == e.host) ex->data.is_excluded = exclude;
    }
  }
}

void AppStateBuilder::on_sql_execution_start(int64_t execution_id, std::optional<int64_t> root_execution_id,
                                             std::string_view description, std::optional<int64_t> time) {
  SqlExecution& s = sql_[execution_id];
  s.execution_id = execution_id;
  s.root_execution_id = root_execution_id;
  constexpr size_t kMaxDescription = 4096;
  s.description = std::string(description.substr(0, kMaxDescription));
  s.start_time = time;
  if (time) observe_time(*time);
}

void AppStateBuilder::on_sql_execution_end(int64_t execution_id, std::optional<int64_t> time,
                                           std::optional<std::string_view> error_message) {
  SqlExecution& s = sql_[execution_id];
  s.execution_id = execution_id;
  s.end_time = time;
  if (error_message && !error_message->empty()) s.error_message = std::string(error_message->substr(0, options_.max_message_bytes));
  if (time) observe_time(*time);
}

}  // namespace sm::eventlog
