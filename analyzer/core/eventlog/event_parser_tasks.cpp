// Task, job, stage, SQL, metrics and exclusion events.
#include "eventlog/event_parser_impl.h"

namespace sm::eventlog {

using json::od::object;
using json::od::value;

namespace {

constexpr std::array<std::string_view, 13> kTaskInfoKeys = {
    "Task ID", "Index", "Attempt", "Partition ID", "Launch Time", "Executor ID", "Host",
    "Locality", "Speculative", "Getting Result Time", "Finish Time", "Failed", "Killed"};

constexpr std::array<std::string_view, 14> kTaskMetricsKeys = {
    "Executor Deserialize Time", "Executor Deserialize CPU Time", "Executor Run Time",
    "Executor CPU Time", "Peak Execution Memory", "Result Size", "JVM GC Time",
    "Result Serialization Time", "Memory Bytes Spilled", "Disk Bytes Spilled",
    "Shuffle Read Metrics", "Shuffle Write Metrics", "Input Metrics", "Output Metrics"};

constexpr std::array<std::string_view, 7> kShuffleReadKeys = {
    "Remote Blocks Fetched", "Local Blocks Fetched", "Fetch Wait Time", "Remote Bytes Read",
    "Remote Bytes Read To Disk", "Local Bytes Read", "Total Records Read"};

constexpr std::array<std::string_view, 3> kShuffleWriteKeys = {
    "Shuffle Bytes Written", "Shuffle Write Time", "Shuffle Records Written"};

const std::array<std::string_view, kExecutorMetricCount> kExecutorMetricKeys = [] {
  std::array<std::string_view, kExecutorMetricCount> a{};
  for (size_t i = 0; i < kExecutorMetricCount; ++i) a[i] = kExecutorMetricNames[i];
  return a;
}();

constexpr size_t kMaxFramesKept = 8;

#define SM_FIELD(fld, f)                            \
  json::od::field fld;                              \
  if (std::move(f).get(fld)) return fail("truncated object")

}  // namespace

bool EventParser::Impl::parse_task_info(object obj, TaskInfoView& t) {
  KeyCursor<kTaskInfoKeys.size()> keys(kTaskInfoKeys);
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    bool ok = true;
    switch (keys.find(k)) {
      case 0: ok = json::get_i64(v, t.task_id); break;
      case 1: ok = json::get_i64(v, t.index); break;
      case 2: ok = json::get_i32(v, t.attempt); break;
      case 3: ok = json::get_i64(v, t.partition_id); break;
      case 4: ok = json::get_i64(v, t.launch_time); break;
      case 5: ok = json::get_str(v, t.executor_id); break;
      case 6: ok = json::get_str(v, t.host); break;
      case 7: ok = json::get_str(v, t.locality); break;
      case 8: ok = json::get_bool(v, t.speculative); break;
      case 9: ok = json::get_i64(v, t.getting_result_time); break;
      case 10: ok = json::get_i64(v, t.finish_time); break;
      case 11: ok = json::get_bool(v, t.failed); break;
      case 12: ok = json::get_bool(v, t.killed); break;
      default: break;  // Accumulables and anything newer: skipped unread
    }
    if (!ok) return fail(field_error("Task Info." + std::string(k), "wrong type"));
  }
  return true;
}

bool EventParser::Impl::parse_task_metrics(object obj, TaskMetricsView& m) {
  KeyCursor<kTaskMetricsKeys.size()> keys(kTaskMetricsKeys);
  int64_t* scalars[] = {&m.executor_deserialize_time, &m.executor_deserialize_cpu_time, &m.executor_run_time,
                        &m.executor_cpu_time, &m.peak_execution_memory, &m.result_size, &m.jvm_gc_time,
                        &m.result_serialization_time, &m.memory_bytes_spilled, &m.disk_bytes_spilled};
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    int idx = keys.find(k);
    if (idx < 0) continue;
    value v = fld.value();
    if (idx < 10) {
      if (!json::get_i64(v, *scalars[idx])) return fail(field_error("Task Metrics." + std::string(k), "expected a number"));
      continue;
    }
    json::od::json_type t;
    if (v.type().get(t)) return fail(field_error("Task Metrics." + std::string(k), "truncated"));
    if (t != json::od::json_type::object) continue;  // null in old logs
    object sub;
    if (v.get_object().get(sub)) return fail(field_error("Task Metrics." + std::string(k), "expected an object"));
    if (idx == 10) {
      KeyCursor<kShuffleReadKeys.size()> rk(kShuffleReadKeys);
      int64_t* dst[] = {&m.shuffle_remote_blocks_fetched, &m.shuffle_local_blocks_fetched, &m.shuffle_fetch_wait_time,
                        &m.shuffle_remote_bytes_read, &m.shuffle_remote_bytes_read_to_disk,
                        &m.shuffle_local_bytes_read, &m.shuffle_records_read};
      for (auto g : sub) {
        SM_FIELD(gf, g);
        int i = rk.find(json::raw_key(gf));
        if (i >= 0 && !json::get_i64(gf.value(), *dst[i])) return fail(field_error("Shuffle Read Metrics", "expected numbers"));
      }
    } else if (idx == 11) {
      KeyCursor<kShuffleWriteKeys.size()> wk(kShuffleWriteKeys);
      int64_t* dst[] = {&m.shuffle_bytes_written, &m.shuffle_write_time, &m.shuffle_records_written};
      for (auto g : sub) {
        SM_FIELD(gf, g);
        int i = wk.find(json::raw_key(gf));
        if (i >= 0 && !json::get_i64(gf.value(), *dst[i])) return fail(field_error("Shuffle Write Metrics", "expected numbers"));
      }
    } else {
      bool input = idx == 12;
      for (auto g : sub) {
        SM_FIELD(gf, g);
        std::string_view gk = json::raw_key(gf);
        int64_t* dst = nullptr;
        if (gk == (input ? "Bytes Read" : "Bytes Written")) dst = input ? &m.input_bytes_read : &m.output_bytes_written;
        else if (gk == (input ? "Records Read" : "Records Written")) dst = input ? &m.input_records_read : &m.output_records_written;
        if (dst && !json::get_i64(gf.value(), *dst)) return fail(field_error(k, "expected numbers"));
      }
    }
  }
  return true;
}

bool EventParser::Impl::parse_executor_metrics(object obj, ExecutorMetricPeaks& out) {
  KeyCursor<kExecutorMetricCount> keys(kExecutorMetricKeys);
  for (auto f : obj) {
    SM_FIELD(fld, f);
    int i = keys.find(json::raw_key(fld));
    if (i < 0) continue;
    int64_t x = 0;
    if (!json::get_i64(fld.value(), x)) return fail(field_error("Executor Metrics", "expected numbers"));
    out.value[static_cast<size_t>(i)] = x;
    out.present[static_cast<size_t>(i)] = true;
  }
  return true;
}

bool EventParser::Impl::parse_end_reason(object obj, TaskEndReasonView& r) {
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    bool ok = true;
    if (json::key_eq(k, "Reason")) ok = json::get_str(v, r.reason);
    else if (json::key_eq(k, "Class Name")) ok = json::get_str(v, r.class_name);
    else if (json::key_eq(k, "Description")) ok = json::get_str(v, r.description);
    else if (json::key_eq(k, "Full Stack Trace")) ok = json::get_str(v, r.full_stack_trace);
    else if (json::key_eq(k, "Executor ID")) ok = json::get_str(v, r.executor_id);
    else if (json::key_eq(k, "Loss Reason")) ok = json::get_str(v, r.loss_reason);
    else if (json::key_eq(k, "Kill Reason")) ok = json::get_str(v, r.kill_reason);
    else if (json::key_eq(k, "Message")) ok = json::get_str(v, r.message);
    else if (json::key_eq(k, "Shuffle ID")) ok = json::get_i64(v, r.shuffle_id);
    else if (json::key_eq(k, "Map ID")) ok = json::get_i64(v, r.map_id);
    else if (json::key_eq(k, "Map Index")) ok = json::get_i64(v, r.map_index);
    else if (json::key_eq(k, "Reduce ID")) ok = json::get_i64(v, r.reduce_id);
    else if (json::key_eq(k, "Job ID")) ok = json::get_i64(v, r.job_id);
    else if (json::key_eq(k, "Partition ID")) ok = json::get_i64(v, r.partition_id);
    else if (json::key_eq(k, "Attempt Number")) ok = json::get_i64(v, r.attempt_number);
    else if (json::key_eq(k, "Exit Caused By App")) {
      bool b = false;
      ok = json::get_bool(v, b);
      r.exit_caused_by_app = b;
    } else if (json::key_eq(k, "Block Manager Address")) {
      json::od::json_type t;
      if (v.type().get(t)) return fail("Block Manager Address: truncated");
      if (t == json::od::json_type::object) {
        object bm;
        if (v.get_object().get(bm)) return fail("Block Manager Address: expected an object");
        for (auto g : bm) {
          SM_FIELD(gf, g);
          std::string_view gk = json::raw_key(gf);
          if (json::key_eq(gk, "Executor ID")) json::get_str(gf.value(), r.bm_executor_id);
          else if (json::key_eq(gk, "Host")) json::get_str(gf.value(), r.bm_host);
          else if (json::key_eq(gk, "Port")) json::get_i64(gf.value(), r.bm_port);
        }
      }
    } else if (json::key_eq(k, "Stack Trace")) {
      json::od::array arr;
      if (v.get_array().get(arr)) continue;
      for (auto item : arr) {
        object fr;
        if (item.get_object().get(fr)) break;
        if (r.frames.size() >= kMaxFramesKept) continue;  // still iterate to stay in sync
        StackFrameView sf;
        for (auto g : fr) {
          SM_FIELD(gf, g);
          std::string_view gk = json::raw_key(gf);
          if (json::key_eq(gk, "Declaring Class")) json::get_str(gf.value(), sf.declaring_class);
          else if (json::key_eq(gk, "Method Name")) json::get_str(gf.value(), sf.method);
          else if (json::key_eq(gk, "File Name")) json::get_str(gf.value(), sf.file);
          else if (json::key_eq(gk, "Line Number")) json::get_i64(gf.value(), sf.line);
        }
        r.frames.push_back(sf);
      }
    }
    if (!ok) return fail(field_error("Task End Reason." + std::string(k), "wrong type"));
  }
  return true;
}

bool EventParser::Impl::on_task_start(object obj) {
  TaskStartEvent& e = task_start;
  e = TaskStartEvent{};
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    if (json::key_eq(k, "Stage ID")) {
      if (!json::get_i32(fld.value(), e.stage_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Stage Attempt ID")) {
      if (!json::get_i32(fld.value(), e.stage_attempt_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Task Info")) {
      object info;
      if (fld.value().get_object().get(info)) return fail(field_error(k, "expected an object"));
      if (!parse_task_info(info, e.info)) return false;
    }
  }
  builder.on_task_start(e);
  return true;
}

bool EventParser::Impl::on_task_end(object obj) {
  TaskEndEvent& e = task_end;
  e.stage_id = 0;
  e.stage_attempt_id = 0;
  e.task_type = {};
  e.reason.frames.clear();
  auto frames = std::move(e.reason.frames);
  e.reason = TaskEndReasonView{};
  e.reason.frames = std::move(frames);
  e.info = TaskInfoView{};
  e.has_metrics = false;
  e.metrics = TaskMetricsView{};
  e.task_executor_metrics = ExecutorMetricPeaks{};
  bool has_info = false;
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Stage ID")) {
      if (!json::get_i32(v, e.stage_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Stage Attempt ID")) {
      if (!json::get_i32(v, e.stage_attempt_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Task Type")) {
      json::get_str(v, e.task_type);
    } else if (json::key_eq(k, "Task End Reason")) {
      object r;
      if (v.get_object().get(r)) return fail(field_error(k, "expected an object"));
      if (!parse_end_reason(r, e.reason)) return false;
    } else if (json::key_eq(k, "Task Info")) {
      object info;
      if (v.get_object().get(info)) return fail(field_error(k, "expected an object"));
      if (!parse_task_info(info, e.info)) return false;
      has_info = true;
    } else if (json::key_eq(k, "Task Executor Metrics")) {
      object m;
      json::od::json_type t;
      if (v.type().get(t)) return fail(field_error(k, "truncated"));
      if (t != json::od::json_type::object) continue;
      if (v.get_object().get(m)) return fail(field_error(k, "expected an object"));
      if (!parse_executor_metrics(m, e.task_executor_metrics)) return false;
    } else if (json::key_eq(k, "Task Metrics")) {
      json::od::json_type t;
      if (v.type().get(t)) return fail(field_error(k, "truncated"));
      if (t != json::od::json_type::object) continue;  // null: no metrics
      object m;
      if (v.get_object().get(m)) return fail(field_error(k, "expected an object"));
      if (!parse_task_metrics(m, e.metrics)) return false;
      e.has_metrics = true;
    }
  }
  if (!has_info) return true;  // the History Server ignores a task end without task info
  if (e.reason.reason.empty()) e.reason.reason = "UnknownReason";
  builder.on_task_end(e);
  return true;
}

bool EventParser::Impl::parse_stage_info(object obj, StageInfoView& s) {
  s = StageInfoView{};
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    bool ok = true;
    if (json::key_eq(k, "Stage ID")) ok = json::get_i32(v, s.stage_id);
    else if (json::key_eq(k, "Stage Attempt ID")) ok = json::get_i32(v, s.attempt_id);
    else if (json::key_eq(k, "Stage Name")) ok = json::get_str(v, s.name);
    else if (json::key_eq(k, "Number of Tasks")) ok = json::get_i32(v, s.num_tasks);
    else if (json::key_eq(k, "Details")) ok = json::get_str(v, s.details);
    else if (json::key_eq(k, "Submission Time")) ok = json::get_opt_i64(v, s.submission_time);
    else if (json::key_eq(k, "Completion Time")) ok = json::get_opt_i64(v, s.completion_time);
    else if (json::key_eq(k, "Resource Profile Id")) ok = json::get_i32(v, s.resource_profile_id);
    else if (json::key_eq(k, "Failure Reason")) {
      std::string_view r;
      ok = json::get_str(v, r);
      if (ok) s.failure_reason = r;
    } else if (json::key_eq(k, "Parent IDs")) {
      json::od::array arr;
      if (v.get_array().get(arr)) continue;
      for (auto item : arr) {
        value iv;
        int32_t id = 0;
        if (std::move(item).get(iv) || !json::get_i32(iv, id)) return fail("Stage Info.Parent IDs: expected numbers");
        s.parent_ids.push_back(id);
      }
    }
    if (!ok) return fail(field_error("Stage Info." + std::string(k), "wrong type"));
  }
  return true;
}

bool EventParser::Impl::parse_properties(object obj, std::optional<std::string_view>* description,
                                          std::optional<std::string_view>* job_group,
                                          std::optional<std::string_view>* job_tags,
                                          std::optional<int64_t>* sql_execution_id,
                                          std::optional<std::string_view>* pool) {
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    std::string_view v;
    if (json::key_eq(k, "spark.job.description") && description) {
      if (json::get_str(fld.value(), v)) *description = v;
    } else if (json::key_eq(k, "spark.jobGroup.id") && job_group) {
      if (json::get_str(fld.value(), v)) *job_group = v;
    } else if (json::key_eq(k, "spark.job.tags") && job_tags) {
      if (json::get_str(fld.value(), v)) *job_tags = v;
    } else if (json::key_eq(k, "spark.scheduler.pool") && pool) {
      if (json::get_str(fld.value(), v)) *pool = v;
    } else if (json::key_eq(k, "spark.sql.execution.id") && sql_execution_id) {
      int64_t id = 0;
      if (json::get_i64(fld.value(), id)) *sql_execution_id = id;
    }
  }
  return true;
}

bool EventParser::Impl::on_job_start(object obj) {
  JobStartEvent& e = job_start;
  e.job_id = 0;
  e.time.reset();
  e.stage_infos.clear();
  e.stage_ids.clear();
  e.description.reset();
  e.job_group.reset();
  e.job_tags.reset();
  e.sql_execution_id.reset();
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Job ID")) {
      if (!json::get_i32(v, e.job_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Submission Time")) {
      if (!json::get_opt_i64(v, e.time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Stage Infos")) {
      json::od::array arr;
      if (v.get_array().get(arr)) return fail(field_error(k, "expected an array"));
      for (auto item : arr) {
        object so;
        if (item.get_object().get(so)) return fail(field_error(k, "expected objects"));
        e.stage_infos.emplace_back();
        if (!parse_stage_info(so, e.stage_infos.back())) return false;
      }
    } else if (json::key_eq(k, "Stage IDs")) {
      json::od::array arr;
      if (v.get_array().get(arr)) return fail(field_error(k, "expected an array"));
      for (auto item : arr) {
        value iv;
        int32_t id = 0;
        if (std::move(item).get(iv) || !json::get_i32(iv, id)) return fail(field_error(k, "expected numbers"));
        e.stage_ids.push_back(id);
      }
    } else if (json::key_eq(k, "Properties")) {
      json::od::json_type t;
      if (v.type().get(t)) return fail(field_error(k, "truncated"));
      if (t != json::od::json_type::object) continue;
      object p;
      if (v.get_object().get(p)) return fail(field_error(k, "expected an object"));
      if (!parse_properties(p, &e.description, &e.job_group, &e.job_tags, &e.sql_execution_id, nullptr)) return false;
    }
  }
  // Spark 1.x wrote only "Stage IDs"; later versions write both.
  if (e.stage_ids.empty())
    for (const auto& si : e.stage_infos) e.stage_ids.push_back(si.stage_id);
  builder.on_job_start(e);
  return true;
}

bool EventParser::Impl::on_job_end(object obj) {
  JobEndEvent e;
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Job ID")) {
      if (!json::get_i32(v, e.job_id)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Completion Time")) {
      if (!json::get_opt_i64(v, e.time)) return fail(field_error(k, "expected a number"));
    } else if (json::key_eq(k, "Job Result")) {
      object r;
      if (v.get_object().get(r)) return fail(field_error(k, "expected an object"));
      for (auto g : r) {
        SM_FIELD(gf, g);
        std::string_view gk = json::raw_key(gf);
        if (json::key_eq(gk, "Result")) {
          std::string_view res;
          if (!json::get_str(gf.value(), res)) return fail("Job Result.Result: expected a string");
          e.succeeded = json::key_eq(res, "JobSucceeded");
        } else if (json::key_eq(gk, "Exception")) {
          object ex;
          if (gf.value().get_object().get(ex)) continue;
          for (auto h : ex) {
            SM_FIELD(hf, h);
            if (json::key_eq(json::raw_key(hf), "Message")) json::get_str(hf.value(), e.failure_message);
          }
        }
      }
    }
  }
  builder.on_job_end(e);
  return true;
}

bool EventParser::Impl::on_stage_submitted(object obj) {
  StageSubmittedEvent& e = stage_submitted;
  // Nothing of the previous line may survive: its views point into a buffer the parser has
  // since reused (a line without "Stage Info" read freed memory; found by fuzz_eventlog).
  e.info = StageInfoView{};
  e.description.reset();
  e.pool.reset();
  for (auto f : obj) {
    SM_FIELD(fld, f);
    std::string_view k = json::raw_key(fld);
    value v = fld.value();
    if (json::key_eq(k, "Stage Info")) {
      object si;
      if (v.get_object().get(si)) return fail(field_error(k, "expected an object"));
      if (!parse_stage_info(si, e.info)) return false;
    } else if (json::key_eq(k, "Properties")) {
      json::od::json_type t;
      if (v.type().get(t)) return fail(field_error(k, "truncated"));
      if (t != json::od::json_type::object) continue;
      object p;
      if (v.get_object().get(p)) return fail(field_error(k, "expected an object"));
      if (!parse_properties(p, &e.description, nullptr, nullptr, nullptr, &e.pool)) return false;
    }
  }
  builder.on_stage_submitted(e);
  return true;
}

bool EventParser::Impl::on_stage_completed(object obj) {
  for (auto f : obj) {
    SM_FIELD(fld, f);
    if (json::key_eq(json::raw_key(fld), "Stage Info")) {
      object si;
      if (fld.value().get_object().get(si)) return fail("Stage Info: expected an object");
      if (!parse_stage_info(si, stage_info)) return false;
      builder.on_stage_completed(stage_info);
    }
  }
  return true;
}

}  // namespace sm::eventlog
