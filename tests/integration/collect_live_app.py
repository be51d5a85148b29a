"""A REAL pyspark application for the collector's network tests (test_collect_network.py): it runs
one job that succeeds and one whose stage fails (a Python UDF raising on one record), then stays
alive with its UI up until a stop file appears, so the collector can read its live Spark UI and a
real Prometheus can scrape its PrometheusServlet sink and /metrics/executors/prometheus.

Secrets are planted in its configuration (the test checks that none of them reaches a bundle):
the conf keys and what Spark itself does with them are documented in test_collect_network.py.
The application prints its configuration as key=value lines and one line holding a credential
away from its key, as applications do; that output is the driver log the test collects.

usage: collect_live_app.py SETTINGS_JSON
  SETTINGS_JSON: {"ui_port": N, "event_dir": DIR, "stop_file": PATH, "app_id_file": PATH,
                  "namespace": NS, "secrets": {"s3a_secret": .., "azure_key": .., "api_key": ..,
                  "url_password": .., "aws_key_id": ..}}
"""
import json
import os
import sys
import time

from pyspark.sql import SparkSession

settings = json.load(open(sys.argv[1]))
s = settings["secrets"]
spark = (SparkSession.builder.master("local[2]").appName("sparkmedic-collector-live")
         .config("spark.ui.port", str(settings["ui_port"]))
         .config("spark.port.maxRetries", "0")
         .config("spark.eventLog.enabled", "true")
         .config("spark.eventLog.dir", "file:" + settings["event_dir"])
         .config("spark.metrics.namespace", settings["namespace"])
         .config("spark.metrics.conf.*.sink.prometheusServlet.class",
                 "org.apache.spark.metrics.sink.PrometheusServlet")
         .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
         .config("spark.metrics.conf.*.source.jvm.class", "org.apache.spark.metrics.source.JvmSource")
         .config("spark.metrics.appStatusSource.enabled", "true")
         .config("spark.ui.prometheus.enabled", "true")
         # Planted secrets.
         .config("spark.hadoop.fs.s3a.secret.key", s["s3a_secret"])
         .config("spark.hadoop.fs.azure.account.key.labacct.dfs.core.windows.net", s["azure_key"])
         .config("spark.executorEnv.LAB_API_KEY", s["api_key"])
         .config("spark.sparkmedic.lab.source", "https://labuser:" + s["url_password"] + "@example.invalid/data")
         .config("spark.sparkmedic.lab.aws.id", s["aws_key_id"])
         .getOrCreate())
sc = spark.sparkContext
for k, v in sorted(sc.getConf().getAll()):
    print(f"{k}={v}", flush=True)
print("store credential in use: " + s["azure_key"], flush=True)

sc.parallelize(range(1000), 4).map(lambda x: x * 2).count()


def bad_record(x):
    if x == 7:
        raise ValueError("bad record 7")
    return x


try:
    sc.parallelize(range(20), 2).map(bad_record).count()
except Exception:  # noqa: BLE001 - the failure is the point
    print("the second job failed as planned", flush=True)

with open(settings["app_id_file"] + ".tmp", "w") as f:
    f.write(sc.applicationId)
os.rename(settings["app_id_file"] + ".tmp", settings["app_id_file"])
while not os.path.exists(settings["stop_file"]):
    time.sleep(0.2)
spark.stop()
