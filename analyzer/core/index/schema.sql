-- sparkmedic index schema, version 1 (docs/index-schema.md describes every table).
-- Times are epoch milliseconds (UTC); sizes are bytes; durations are milliseconds.
-- One index can hold several applications: every table carries app_key.
PRAGMA user_version = 1;

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT
);

CREATE TABLE application (
  app_key          INTEGER PRIMARY KEY,
  app_id           TEXT NOT NULL,
  attempt_id       TEXT,
  name             TEXT,
  spark_user       TEXT,
  spark_version    TEXT,
  master           TEXT,
  deploy_mode      TEXT,
  start_time       INTEGER,
  end_time         INTEGER,
  duration_ms      INTEGER,
  completed        INTEGER NOT NULL,  -- 1 if SparkListenerApplicationEnd was seen
  exit_code        INTEGER,           -- ApplicationEnd ExitCode (Spark 4.x), NULL if absent
  in_progress      INTEGER NOT NULL,  -- .inprogress or appstatus_*.inprogress
  compacted        INTEGER NOT NULL,  -- a .compact file was read (task events dropped)
  source_path      TEXT,
  codec            TEXT,
  layout           TEXT,              -- single | rolling | legacy_dir
  bytes_read       INTEGER,           -- decoded bytes
  raw_bytes        INTEGER,           -- bytes on disk
  lines            INTEGER,
  java_version     TEXT,
  scala_version    TEXT,
  last_event_time  INTEGER,
  tasks_started    INTEGER,
  tasks_ended      INTEGER
);

CREATE TABLE spark_property (
  app_key  INTEGER NOT NULL,
  key      TEXT NOT NULL,
  value    TEXT,            -- '*********(redacted)' for secret-looking keys
  redacted INTEGER NOT NULL
);

CREATE TABLE job (
  app_key               INTEGER NOT NULL,
  job_id                INTEGER NOT NULL,
  name                  TEXT,
  description           TEXT,
  job_group             TEXT,
  sql_execution_id      INTEGER,
  submission_time       INTEGER,
  completion_time       INTEGER,
  duration_ms           INTEGER,
  status                TEXT NOT NULL,   -- RUNNING | SUCCEEDED | FAILED | UNKNOWN
  failure_message       TEXT,
  num_tasks             INTEGER,
  num_active_tasks      INTEGER,
  num_completed_tasks   INTEGER,
  num_skipped_tasks     INTEGER,
  num_failed_tasks      INTEGER,
  num_killed_tasks      INTEGER,
  num_completed_indices INTEGER,
  num_active_stages     INTEGER,
  num_completed_stages  INTEGER,
  num_skipped_stages    INTEGER,
  num_failed_stages     INTEGER,
  PRIMARY KEY (app_key, job_id)
);

CREATE TABLE job_stage (
  app_key  INTEGER NOT NULL,
  job_id   INTEGER NOT NULL,
  stage_id INTEGER NOT NULL
);

CREATE TABLE stage_attempt (
  app_key                  INTEGER NOT NULL,
  stage_id                 INTEGER NOT NULL,
  attempt_id               INTEGER NOT NULL,
  name                     TEXT,
  description              TEXT,
  status                   TEXT NOT NULL,  -- PENDING | ACTIVE | COMPLETE | FAILED | SKIPPED
  num_tasks                INTEGER,
  num_active_tasks         INTEGER,
  num_complete_tasks       INTEGER,
  num_failed_tasks         INTEGER,
  num_killed_tasks         INTEGER,
  num_completed_indices    INTEGER,
  submission_time          INTEGER,
  first_task_launched_time INTEGER,
  completion_time          INTEGER,
  duration_ms              INTEGER,
  failure_reason           TEXT,
  -- Sums over tasks (the History Server's StageData fields); times in ms unless noted.
  executor_deserialize_time INTEGER,
  executor_deserialize_cpu_time INTEGER,  -- ns
  executor_run_time        INTEGER,
  executor_cpu_time        INTEGER,  -- ns
  result_size              INTEGER,
  jvm_gc_time              INTEGER,
  result_serialization_time INTEGER,
  memory_bytes_spilled     INTEGER,
  disk_bytes_spilled       INTEGER,
  peak_execution_memory    INTEGER,  -- sum over tasks, as the History Server
  input_bytes              INTEGER,
  input_records            INTEGER,
  output_bytes             INTEGER,
  output_records           INTEGER,
  shuffle_remote_blocks_fetched INTEGER,
  shuffle_local_blocks_fetched  INTEGER,
  shuffle_fetch_wait_time  INTEGER,
  shuffle_remote_bytes_read INTEGER,
  shuffle_remote_bytes_read_to_disk INTEGER,
  shuffle_local_bytes_read INTEGER,
  shuffle_read_bytes       INTEGER,  -- local + remote
  shuffle_read_records     INTEGER,
  shuffle_write_bytes      INTEGER,
  shuffle_write_time       INTEGER,  -- ns
  shuffle_write_records    INTEGER,
  peak_execution_memory_max INTEGER, -- largest single task
  speculative_tasks        INTEGER,
  scheduling_pool          TEXT,
  parent_ids               TEXT,     -- JSON array
  job_ids                  TEXT,     -- JSON array
  details                  TEXT,
  PRIMARY KEY (app_key, stage_id, attempt_id)
);

-- taskSummary: per stage attempt, per metric, per quantile (successful tasks only, as the
-- History Server). exact = 0 when the stage had more tasks than the exact capacity.
CREATE TABLE stage_quantile (
  app_key    INTEGER NOT NULL,
  stage_id   INTEGER NOT NULL,
  attempt_id INTEGER NOT NULL,
  metric     TEXT NOT NULL,
  quantile   REAL NOT NULL,
  value      REAL,
  task_count INTEGER NOT NULL,
  exact      INTEGER NOT NULL,
  PRIMARY KEY (app_key, stage_id, attempt_id, metric, quantile)
);

CREATE TABLE stage_slow_task (
  app_key               INTEGER NOT NULL,
  stage_id              INTEGER NOT NULL,
  attempt_id            INTEGER NOT NULL,
  rank                  INTEGER NOT NULL,  -- 1 = slowest
  task_id               INTEGER,
  task_index            INTEGER,
  partition_id          INTEGER,
  task_attempt          INTEGER,
  executor_id           TEXT,
  host                  TEXT,
  launch_time           INTEGER,
  duration_ms           INTEGER,
  executor_run_time     INTEGER,
  jvm_gc_time           INTEGER,
  shuffle_read_bytes    INTEGER,
  shuffle_read_records  INTEGER,
  input_bytes           INTEGER,
  memory_bytes_spilled  INTEGER,
  disk_bytes_spilled    INTEGER,
  peak_execution_memory INTEGER
);

CREATE TABLE stage_peak_metric (
  app_key    INTEGER NOT NULL,
  stage_id   INTEGER NOT NULL,
  attempt_id INTEGER NOT NULL,
  metric     TEXT NOT NULL,
  value      INTEGER
);

CREATE TABLE stage_killed (
  app_key    INTEGER NOT NULL,
  stage_id   INTEGER NOT NULL,
  attempt_id INTEGER NOT NULL,
  reason     TEXT,
  count      INTEGER
);

CREATE TABLE executor (
  app_key             INTEGER NOT NULL,
  executor_id         TEXT NOT NULL,
  host                TEXT,
  host_port           TEXT,
  is_active           INTEGER,
  total_cores         INTEGER,
  max_tasks           INTEGER,
  max_memory          INTEGER,
  max_on_heap_memory  INTEGER,
  max_off_heap_memory INTEGER,
  add_time            INTEGER,
  remove_time         INTEGER,
  remove_reason       TEXT,
  exit_code           INTEGER,  -- parsed from remove_reason when it names one
  resource_profile_id INTEGER,
  total_tasks         INTEGER,
  active_tasks        INTEGER,
  completed_tasks     INTEGER,
  failed_tasks        INTEGER,
  total_duration      INTEGER,
  total_gc_time       INTEGER,
  total_input_bytes   INTEGER,
  total_shuffle_read  INTEGER,
  total_shuffle_write INTEGER,
  is_excluded         INTEGER,
  PRIMARY KEY (app_key, executor_id)
);

-- Peak executor metrics (JVMHeapMemory, ProcessTreeJVMRSSMemory, MajorGCTime, ...).
CREATE TABLE executor_peak_metric (
  app_key     INTEGER NOT NULL,
  executor_id TEXT NOT NULL,
  metric      TEXT NOT NULL,
  value       INTEGER
);

CREATE TABLE failed_task_group (
  app_key                INTEGER NOT NULL,
  group_id               INTEGER NOT NULL,
  reason                 TEXT NOT NULL,  -- ExceptionFailure, ExecutorLostFailure, FetchFailed, ...
  detail_key             TEXT,
  exception_class        TEXT,
  description            TEXT,
  exit_code              INTEGER,
  exit_caused_by_app     INTEGER,
  shuffle_id             INTEGER,
  block_manager_executor TEXT,
  count                  INTEGER NOT NULL,
  first_time             INTEGER,
  last_time              INTEGER,
  stage_ids              TEXT,  -- JSON array
  executor_ids           TEXT,  -- JSON array
  top_frames             TEXT,  -- JSON array
  PRIMARY KEY (app_key, group_id)
);

CREATE TABLE failed_task_sample (
  app_key          INTEGER NOT NULL,
  group_id         INTEGER NOT NULL,
  task_id          INTEGER,
  stage_id         INTEGER,
  stage_attempt_id INTEGER,
  task_index       INTEGER,
  task_attempt     INTEGER,
  executor_id      TEXT,
  host             TEXT,
  time             INTEGER,
  message          TEXT
);

CREATE TABLE sql_execution (
  app_key           INTEGER NOT NULL,
  execution_id      INTEGER NOT NULL,
  root_execution_id INTEGER,
  description       TEXT,
  start_time        INTEGER,
  end_time          INTEGER,
  duration_ms       INTEGER,
  error_message     TEXT,
  job_ids           TEXT  -- JSON array
);

CREATE TABLE exclusion_event (
  app_key          INTEGER NOT NULL,
  time             INTEGER,
  kind             TEXT NOT NULL,
  executor_id      TEXT,
  host             TEXT,
  stage_id         INTEGER,
  stage_attempt_id INTEGER,
  task_failures    INTEGER
);

CREATE TABLE event_count (
  app_key INTEGER NOT NULL,
  event   TEXT NOT NULL,
  count   INTEGER NOT NULL,
  known   INTEGER NOT NULL  -- 0 for events this version does not interpret (custom listeners)
);

-- Everything the reader could not read or had to warn about.
CREATE TABLE ingest_issue (
  app_key INTEGER,      -- NULL when not tied to an application
  source  TEXT,         -- file or bundle entry
  line    INTEGER,      -- 0 when not line-specific
  kind    TEXT NOT NULL,
  message TEXT NOT NULL
);
