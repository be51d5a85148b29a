#include "index/index_writer.h"

#include <filesystem>

#include "eventlog/app_state.h"
#include "util/json_writer.h"

namespace sm::embedded {
extern const std::string_view index_schema_sql;
extern const std::string_view index_indexes_sql;
}  // namespace sm::embedded

namespace sm::index {
namespace {

template <typename T>
std::string json_array(const std::vector<T>& v) {
  JsonWriter w;
  w.begin_array();
  for (const auto& x : v) {
    if constexpr (std::is_integral_v<T>) w.value(static_cast<int64_t>(x));
    else w.value(x);
  }
  w.end_array();
  return w.take();
}

std::optional<int64_t> diff(const std::optional<int64_t>& end, const std::optional<int64_t>& start) {
  if (end && start && *end >= *start) return *end - *start;
  return std::nullopt;
}

}  // namespace

std::string_view schema_sql() { return embedded::index_schema_sql; }

Result<std::unique_ptr<IndexWriter>> IndexWriter::create(const std::string& path) {
  if (path != ":memory:") {
    std::error_code ec;
    std::filesystem::remove(path, ec);  // a fresh index every run
  }
  auto db = sql::Db::open(path);
  if (!db.ok()) return db.take_error();
  // The index is rebuilt from the bundle on every run, so durability is not needed: trade it
  // for load speed.
  SM_TRY(db->exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"));
  SM_TRY(db->exec(embedded::index_schema_sql));
  auto w = std::unique_ptr<IndexWriter>(new IndexWriter(std::move(db.value())));
  SM_TRY(w->set_meta("schema_version", std::to_string(kSchemaVersion)));
  SM_TRY(w->set_meta("created_by", "sparkmedic " SPARKMEDIC_VERSION));
  return w;
}

Status IndexWriter::set_meta(std::string_view key, std::string_view value) {
  auto st = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
  if (!st.ok()) return st.take_error();
  return st->bind(1, key).bind(2, value).exec();
}

Status IndexWriter::add_issue(std::string_view source, uint64_t line, std::string_view kind, std::string_view message) {
  auto st = db_.prepare("INSERT INTO ingest_issue(app_key, source, line, kind, message) VALUES (NULL, ?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.take_error();
  return st->bind(1, source).bind(2, static_cast<int64_t>(line)).bind(3, kind).bind(4, message).exec();
}

Status IndexWriter::finish() { return db_.exec(embedded::index_indexes_sql); }

#define SM_PREPARE(var, sql_text)          \
  auto var##_r = db_.prepare(sql_text);    \
  if (!var##_r.ok()) return var##_r.take_error(); \
  sql::Stmt& var = var##_r.value()

Result<int64_t> IndexWriter::write_app(const eventlog::AppModel& m) {
  const int64_t key = next_app_key_++;
  SM_TRY(db_.exec("BEGIN"));
  const auto& a = m.app;
  {
    SM_PREPARE(st, "INSERT INTO application VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26)");
    st.bind(1, key).bind(2, a.app_id).bind(3, a.attempt_id).bind(4, a.name).bind(5, a.user)
        .bind(6, a.spark_version).bind(7, a.master).bind(8, a.deploy_mode).bind(9, a.start_time)
        .bind(10, a.end_time).bind(11, diff(a.end_time, a.start_time)).bind(12, a.completed)
        .bind(13, a.exit_code).bind(14, a.in_progress).bind(15, a.compacted).bind(16, a.source_path)
        .bind(17, a.codec).bind(18, a.layout).bind(19, static_cast<int64_t>(a.bytes_read))
        .bind(20, static_cast<int64_t>(a.raw_bytes)).bind(21, static_cast<int64_t>(a.lines))
        .bind(22, a.java_version).bind(23, a.scala_version).bind(24, m.last_event_time)
        .bind(25, m.total_tasks_started).bind(26, m.total_tasks_ended);
    SM_TRY(st.exec());
  }
  {
    SM_PREPARE(st, "INSERT INTO spark_property VALUES (?1,?2,?3,?4)");
    for (const auto& [k, v] : a.spark_properties)
      SM_TRY(st.bind(1, key).bind(2, k).bind(3, v).bind(4, v == eventlog::kRedactedValue).exec());
  }
  {
    SM_PREPARE(st, "INSERT INTO job VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)");
    SM_PREPARE(js, "INSERT INTO job_stage VALUES (?1,?2,?3)");
    for (const auto& j : m.jobs) {
      st.bind(1, key).bind(2, j.job_id).bind(3, j.name).bind(4, j.description).bind(5, j.job_group)
          .bind(6, j.sql_execution_id).bind(7, j.submission_time).bind(8, j.completion_time)
          .bind(9, diff(j.completion_time, j.submission_time)).bind(10, eventlog::to_string(j.status))
          .bind(11, j.failure_message).bind(12, j.num_tasks).bind(13, j.active_tasks).bind(14, j.completed_tasks)
          .bind(15, j.skipped_tasks).bind(16, j.failed_tasks).bind(17, j.killed_tasks).bind(18, j.completed_indices)
          .bind(19, j.active_stages).bind(20, j.completed_stages).bind(21, j.skipped_stages).bind(22, j.failed_stages);
      SM_TRY(st.exec());
      for (int32_t s : j.stage_ids) SM_TRY(js.bind(1, key).bind(2, j.job_id).bind(3, s).exec());
    }
  }
  {
    SM_PREPARE(st, "INSERT INTO stage_attempt VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37,?38,?39,?40,?41,?42,?43,?44,?45,?46,?47,?48)");
    SM_PREPARE(qs, "INSERT INTO stage_quantile VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
    SM_PREPARE(ss, "INSERT INTO stage_slow_task VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
    SM_PREPARE(pk, "INSERT INTO stage_peak_metric VALUES (?1,?2,?3,?4,?5)");
    SM_PREPARE(kl, "INSERT INTO stage_killed VALUES (?1,?2,?3,?4,?5)");
    for (const auto& s : m.stages) {
      const auto& t = s.totals;
      st.bind(1, key).bind(2, s.stage_id).bind(3, s.attempt_id).bind(4, s.name).bind(5, s.description)
          .bind(6, eventlog::to_string(s.status)).bind(7, s.num_tasks).bind(8, s.active_tasks)
          .bind(9, s.completed_tasks).bind(10, s.failed_tasks).bind(11, s.killed_tasks).bind(12, s.completed_indices)
          .bind(13, s.submission_time).bind(14, s.first_task_launched_time).bind(15, s.completion_time)
          .bind(16, diff(s.completion_time, s.submission_time)).bind(17, s.failure_reason)
          .bind(18, t.executor_deserialize_time).bind(19, t.executor_deserialize_cpu_time)
          .bind(20, t.executor_run_time).bind(21, t.executor_cpu_time).bind(22, t.result_size)
          .bind(23, t.jvm_gc_time).bind(24, t.result_serialization_time).bind(25, t.memory_bytes_spilled)
          .bind(26, t.disk_bytes_spilled).bind(27, t.peak_execution_memory).bind(28, t.input_bytes)
          .bind(29, t.input_records).bind(30, t.output_bytes).bind(31, t.output_records)
          .bind(32, t.shuffle_remote_blocks_fetched).bind(33, t.shuffle_local_blocks_fetched)
          .bind(34, t.shuffle_fetch_wait_time).bind(35, t.shuffle_remote_bytes_read)
          .bind(36, t.shuffle_remote_bytes_read_to_disk).bind(37, t.shuffle_local_bytes_read)
          .bind(38, t.shuffle_read_bytes()).bind(39, t.shuffle_read_records).bind(40, t.shuffle_write_bytes)
          .bind(41, t.shuffle_write_time).bind(42, t.shuffle_write_records).bind(43, t.peak_execution_memory_max)
          .bind(44, s.speculative_tasks).bind(45, s.scheduling_pool).bind(46, json_array(s.parent_ids))
          .bind(47, json_array(s.job_ids)).bind(48, s.details);
      SM_TRY(st.exec());
      if (s.quantiles) {
        const auto& q = *s.quantiles;
        for (size_t mi = 0; mi < eventlog::kTaskMetricCount; ++mi)
          for (size_t qi = 0; qi < q.q.size(); ++qi)
            SM_TRY(qs.bind(1, key).bind(2, s.stage_id).bind(3, s.attempt_id).bind(4, eventlog::kTaskMetricNames[mi])
                       .bind(5, q.q[qi]).bind(6, q.value[mi][qi]).bind(7, q.task_count).bind(8, q.exact).exec());
      }
      int rank = 1;
      for (const auto& b : s.slowest_tasks) {
        SM_TRY(ss.bind(1, key).bind(2, s.stage_id).bind(3, s.attempt_id).bind(4, rank++).bind(5, b.task_id)
                   .bind(6, b.index).bind(7, b.partition_id >= 0 ? std::optional<int64_t>(b.partition_id) : std::nullopt)
                   .bind(8, b.attempt).bind(9, b.executor_id).bind(10, b.host).bind(11, b.launch_time)
                   .bind(12, b.duration).bind(13, b.executor_run_time).bind(14, b.jvm_gc_time)
                   .bind(15, b.shuffle_read_bytes).bind(16, b.shuffle_read_records).bind(17, b.input_bytes)
                   .bind(18, b.memory_bytes_spilled).bind(19, b.disk_bytes_spilled).bind(20, b.peak_execution_memory)
                   .exec());
      }
      for (size_t i = 0; i < eventlog::kExecutorMetricCount; ++i)
        if (s.peak_executor_metrics.present[i])
          SM_TRY(pk.bind(1, key).bind(2, s.stage_id).bind(3, s.attempt_id).bind(4, eventlog::kExecutorMetricNames[i])
                     .bind(5, s.peak_executor_metrics.value[i]).exec());
      for (const auto& [reason, count] : s.killed_summary)
        SM_TRY(kl.bind(1, key).bind(2, s.stage_id).bind(3, s.attempt_id).bind(4, reason).bind(5, count).exec());
    }
  }
  {
    SM_PREPARE(st, "INSERT INTO executor VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25)");
    SM_PREPARE(pk, "INSERT INTO executor_peak_metric VALUES (?1,?2,?3,?4)");
    for (const auto& e : m.executors) {
      std::optional<int64_t> exit_code;
      if (e.remove_reason) exit_code = eventlog::parse_exit_code(*e.remove_reason);
      st.bind(1, key).bind(2, e.id).bind(3, e.host).bind(4, e.host_port).bind(5, e.is_active)
          .bind(6, e.total_cores).bind(7, e.max_tasks).bind(8, e.max_memory).bind(9, e.max_on_heap_memory)
          .bind(10, e.max_off_heap_memory).bind(11, e.add_time).bind(12, e.remove_time).bind(13, e.remove_reason)
          .bind(14, exit_code).bind(15, e.resource_profile_id).bind(16, e.total_tasks).bind(17, e.active_tasks)
          .bind(18, e.completed_tasks).bind(19, e.failed_tasks).bind(20, e.total_duration).bind(21, e.total_gc_time)
          .bind(22, e.total_input_bytes).bind(23, e.total_shuffle_read).bind(24, e.total_shuffle_write)
          .bind(25, e.is_excluded);
      SM_TRY(st.exec());
      for (size_t i = 0; i < eventlog::kExecutorMetricCount; ++i)
        if (e.peak_metrics.present[i])
          SM_TRY(pk.bind(1, key).bind(2, e.id).bind(3, eventlog::kExecutorMetricNames[i]).bind(4, e.peak_metrics.value[i]).exec());
    }
  }
  {
    SM_PREPARE(st, "INSERT INTO failed_task_group VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
    SM_PREPARE(ss, "INSERT INTO failed_task_sample VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
    int64_t gid = 1;
    for (const auto& g : m.failed_task_groups) {
      st.bind(1, key).bind(2, gid).bind(3, g.reason).bind(4, g.detail_key).bind(5, g.exception_class)
          .bind(6, g.description).bind(7, g.exit_code).bind(8, g.exit_caused_by_app).bind(9, g.shuffle_id)
          .bind(10, g.block_manager_executor).bind(11, g.count).bind(12, g.first_time).bind(13, g.last_time)
          .bind(14, json_array(g.stage_ids)).bind(15, json_array(g.executor_ids)).bind(16, json_array(g.top_frames));
      SM_TRY(st.exec());
      for (const auto& s : g.samples)
        SM_TRY(ss.bind(1, key).bind(2, gid).bind(3, s.task_id).bind(4, s.stage_id).bind(5, s.stage_attempt_id)
                   .bind(6, s.index).bind(7, s.attempt).bind(8, s.executor_id).bind(9, s.host).bind(10, s.time)
                   .bind(11, s.message).exec());
      ++gid;
    }
  }
  {
    SM_PREPARE(st, "INSERT INTO sql_execution VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    for (const auto& s : m.sql_executions)
      SM_TRY(st.bind(1, key).bind(2, s.execution_id).bind(3, s.root_execution_id).bind(4, s.description)
                 .bind(5, s.start_time).bind(6, s.end_time).bind(7, diff(s.end_time, s.start_time))
                 .bind(8, s.error_message).bind(9, json_array(s.job_ids)).exec());
  }
  {
    SM_PREPARE(st, "INSERT INTO exclusion_event VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
    for (const auto& e : m.exclusions)
      SM_TRY(st.bind(1, key).bind(2, e.time).bind(3, e.kind).bind(4, e.executor_id).bind(5, e.host)
                 .bind(6, e.stage_id).bind(7, e.stage_attempt_id).bind(8, e.task_failures).exec());
  }
  {
    SM_PREPARE(st, "INSERT INTO event_count VALUES (?1,?2,?3,?4)");
    for (const auto& c : m.event_counts) SM_TRY(st.bind(1, key).bind(2, c.event).bind(3, c.count).bind(4, c.known).exec());
  }
  {
    SM_PREPARE(st, "INSERT INTO ingest_issue VALUES (?1,?2,?3,?4,?5)");
    for (const auto& w : m.warnings)
      SM_TRY(st.bind(1, key).bind(2, w.file).bind(3, static_cast<int64_t>(w.line)).bind(4, w.kind).bind(5, w.message).exec());
  }
  SM_TRY(db_.exec("COMMIT"));
  return key;
}

}  // namespace sm::index
