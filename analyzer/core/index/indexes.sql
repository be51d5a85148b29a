-- Created after the bulk load (faster than maintaining them row by row).
CREATE INDEX IF NOT EXISTS idx_stage_status ON stage_attempt(app_key, status);
CREATE INDEX IF NOT EXISTS idx_job_status ON job(app_key, status);
CREATE INDEX IF NOT EXISTS idx_job_stage ON job_stage(app_key, stage_id);
CREATE INDEX IF NOT EXISTS idx_quantile ON stage_quantile(app_key, metric);
CREATE INDEX IF NOT EXISTS idx_failed_group_reason ON failed_task_group(app_key, reason);
CREATE INDEX IF NOT EXISTS idx_failed_sample ON failed_task_sample(app_key, group_id);
CREATE INDEX IF NOT EXISTS idx_exec_peak ON executor_peak_metric(app_key, executor_id);
CREATE INDEX IF NOT EXISTS idx_prop ON spark_property(app_key, key);
