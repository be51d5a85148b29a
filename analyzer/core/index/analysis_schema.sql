-- sparkmedic index schema, version 2: what the analyzer adds to the event-log tables
-- (schema.sql). See docs/index-schema.md. Times are epoch milliseconds UTC.

-- The bundle's manifest (when the input is a sparkmedic bundle).
CREATE TABLE manifest_source (
  name       TEXT NOT NULL,
  kind       TEXT,
  status     TEXT NOT NULL,  -- collected | skipped | failed
  reason     TEXT,
  error      TEXT,
  files      INTEGER,
  bytes      INTEGER,
  truncated  INTEGER
);

-- Every file of the input the analyzer looked at.
CREATE TABLE source_file (
  file_id      INTEGER PRIMARY KEY,
  path         TEXT NOT NULL,   -- path in the bundle (or the file name for a single input)
  kind         TEXT NOT NULL,   -- eventlog | driver_log | executor_log | other_log | k8s_pods |
                                -- k8s_events | k8s_sparkapplications | k8s_nodes | prometheus |
                                -- alertmanager | loki | jaeger | history | spark_ui | manifest | unknown
  app_key      INTEGER,         -- the application it belongs to, when known
  executor_id  TEXT,            -- for executor logs
  pod          TEXT,            -- Kubernetes pod, when known
  container    TEXT,
  bytes        INTEGER,
  lines        INTEGER,
  log_format   TEXT,            -- log4j | json | yarn | kubectl | plain
  first_ts     INTEGER,
  last_ts      INTEGER,
  truncated    INTEGER NOT NULL DEFAULT 0,  -- cut by a collection cap (manifest) or mid-line
  parse_errors INTEGER NOT NULL DEFAULT 0
);

-- Signature matches (one per signature per line), with their surroundings.
CREATE TABLE log_match (
  match_id   INTEGER PRIMARY KEY,
  app_key    INTEGER,           -- the application, when known (NULL: applies to any)
  file_id    INTEGER,           -- NULL for event-log texts (see ref)
  stream     TEXT NOT NULL,     -- driver_log | executor_log | ... | task_failure | k8s_event | ...
  ref        TEXT,              -- for non-file texts: 'failed_task_group#3', 'k8s_event#12', ...
  line       INTEGER,           -- 1-based line in the file (0 for non-file texts)
  offset     INTEGER,
  ts         INTEGER,           -- the line's timestamp when it has one
  class      TEXT NOT NULL,     -- failure class of the signature
  signature  TEXT NOT NULL,
  role       TEXT NOT NULL,     -- root | symptom | context
  weight     REAL NOT NULL,
  executor_id TEXT,             -- of the log, or parsed from the text
  text       TEXT NOT NULL,     -- the matched line (bounded)
  context    TEXT,              -- a few lines before and after (bounded)
  extracted  TEXT               -- JSON object of the extraction regex's named groups
);

-- Kubernetes objects.
CREATE TABLE k8s_pod (
  pod_id          INTEGER PRIMARY KEY,
  namespace       TEXT,
  name            TEXT NOT NULL,
  uid             TEXT,
  phase           TEXT,
  reason          TEXT,          -- status.reason (e.g. Evicted)
  message         TEXT,
  node            TEXT,
  spark_app_id    TEXT,          -- label spark-app-selector
  spark_app_name  TEXT,          -- label spark-app-name
  spark_role      TEXT,          -- label spark-role: driver | executor
  spark_exec_id   TEXT,          -- label spark-exec-id
  created         INTEGER,
  started         INTEGER,
  deleted         INTEGER,
  qos_class       TEXT,
  memory_limit    INTEGER,       -- bytes, main container
  memory_request  INTEGER,
  cpu_limit       REAL,
  conditions      TEXT           -- JSON array
);

CREATE TABLE k8s_container (
  pod_id           INTEGER NOT NULL,
  name             TEXT NOT NULL,
  image            TEXT,
  ready            INTEGER,
  restart_count    INTEGER,
  state            TEXT,         -- waiting | running | terminated
  state_reason     TEXT,         -- CrashLoopBackOff, OOMKilled, Error, ImagePullBackOff, ...
  state_message    TEXT,
  exit_code        INTEGER,
  started_at       INTEGER,
  finished_at      INTEGER,
  last_state       TEXT,
  last_reason      TEXT,
  last_exit_code   INTEGER,
  last_finished_at INTEGER,
  memory_limit     INTEGER,
  memory_request   INTEGER
);

CREATE TABLE k8s_event (
  event_id        INTEGER PRIMARY KEY,
  namespace       TEXT,
  object_kind     TEXT,          -- involvedObject.kind
  object_name     TEXT,
  reason          TEXT,          -- FailedScheduling, BackOff, Evicted, OOMKilling, Killing, ...
  message         TEXT,
  type            TEXT,          -- Normal | Warning
  count           INTEGER,
  first_ts        INTEGER,
  last_ts         INTEGER,
  source          TEXT           -- reporting component
);

CREATE TABLE k8s_sparkapplication (
  namespace            TEXT,
  name                 TEXT NOT NULL,
  app_id               TEXT,      -- status.sparkApplicationId
  state                TEXT,      -- status.applicationState.state
  error_message        TEXT,      -- status.applicationState.errorMessage
  submission_attempts  INTEGER,
  execution_attempts   INTEGER,
  last_submission      INTEGER,
  termination_time     INTEGER,
  driver_pod           TEXT,      -- status.driverInfo.podName
  executor_states      TEXT,      -- JSON object pod -> state
  restart_policy       TEXT,      -- spec.restartPolicy.type
  spec                 TEXT       -- JSON of spec fields that matter (memory, overhead, instances)
);

CREATE TABLE k8s_node (
  name         TEXT NOT NULL,
  conditions   TEXT,     -- JSON array of {type,status,reason,message}
  allocatable_memory INTEGER,
  allocatable_cpu    REAL,
  taints       TEXT      -- JSON array
);

-- Prometheus range dumps.
CREATE TABLE metric_series (
  series_id   INTEGER PRIMARY KEY,
  query       TEXT,      -- query name in the bundle (file stem)
  metric      TEXT,      -- __name__
  labels      TEXT,      -- JSON object
  executor_id TEXT,      -- from labels when present
  pod         TEXT
);

CREATE TABLE metric_sample (
  series_id INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  value     REAL
);

-- Alertmanager alerts.
CREATE TABLE alert (
  alert_id    INTEGER PRIMARY KEY,
  alertname   TEXT,
  state       TEXT,      -- active | suppressed | unprocessed | resolved
  severity    TEXT,
  starts_at   INTEGER,
  ends_at     INTEGER,
  labels      TEXT,      -- JSON
  annotations TEXT,      -- JSON
  runbook_url TEXT,
  fingerprint TEXT
);

-- Jaeger spans.
CREATE TABLE span (
  trace_id    TEXT NOT NULL,
  span_id     TEXT NOT NULL,
  parent_id   TEXT,
  service     TEXT,
  operation   TEXT,
  start_ms    INTEGER,
  duration_ms REAL,
  error       INTEGER,
  status      TEXT,
  attributes  TEXT       -- JSON
);

-- Findings the correlation produced (written after analysis, for ad-hoc SQL).
CREATE TABLE finding (
  finding_id  INTEGER PRIMARY KEY,
  app_key     INTEGER,
  class       TEXT NOT NULL,
  code        TEXT,
  score       REAL,
  confidence  REAL,
  rank        INTEGER,
  is_root     INTEGER,
  explained_by TEXT,     -- class of the finding that explains this one
  first_ts    INTEGER,
  summary     TEXT,
  facts       TEXT       -- JSON
);
