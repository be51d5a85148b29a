"""spark_connect clients (run with the venv python, not spark-submit).
  connect_client.py unreachable URL   a client whose server is not there
  connect_client.py restart URL       a session whose server restarts between two queries
  connect_client.py too_big URL       a local relation larger than the server's inbound message limit
"""
import json
import os
import sys
import time

mode, url = sys.argv[1], sys.argv[2]
info_path = os.environ.get("LAB_APPINFO")


def phase(name, **extra):
    if info_path:
        try:
            info = json.load(open(info_path))
        except (OSError, ValueError):
            info = {}
        info.update(extra, phase=name, t=time.time())
        json.dump(info, open(info_path + ".tmp", "w"))
        os.replace(info_path + ".tmp", info_path)
    print(f"labapp: phase {name}", file=sys.stderr, flush=True)


from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.connect.client.retries import DefaultPolicy  # noqa: E402

spark = SparkSession.builder.remote(url).getOrCreate()
# A short retry budget (the default waits >= 10 minutes for an unreachable server).
spark._client.set_retry_policies([DefaultPolicy(max_retries=3, initial_backoff=200, max_backoff=1000)])
if mode == "unreachable":
    print(spark.range(10).count())
elif mode == "restart":
    print(spark.range(10).count())
    phase("first-query-done", app_id=spark.conf.get("spark.app.id"))
    deadline = time.time() + 60
    while not os.path.exists(info_path + ".go") and time.time() < deadline:
        time.sleep(0.2)
    phase("second-query")
    print(spark.range(20).count())
elif mode == "too_big":
    phase("sending", app_id=spark.conf.get("spark.app.id"))
    rows = [(i, "z" * 1000) for i in range(4000)]   # ~4 MB of local data in one plan
    print(spark.createDataFrame(rows, ["id", "pad"]).count())
