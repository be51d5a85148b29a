"""storage_io.
  storage_io.py removed DIR   reads 24 CSV files slowly; the drill deletes them during the read
  storage_io.py missing DIR   reads a path that does not exist
"""
import os
import sys
import time
import labapp
from pyspark.sql import functions as F

mode, base = sys.argv[1], sys.argv[2]
spark = labapp.session({"spark.sql.files.maxPartitionBytes": "1k", "spark.sql.files.openCostInBytes": "1k"})
if mode == "removed":
    data = os.path.join(base, "input")
    spark.range(0, 24 * 60, numPartitions=24).selectExpr("id", "id % 7 as k").write.mode("overwrite").csv(data)
    df = spark.read.schema("id long, k long").csv(data)
    slow = F.udf(lambda v: (time.sleep(0.02), v)[1], "long")   # ~1.2 s per file
    labapp.phase("reading")
    print(df.select(slow("id").alias("id")).agg(F.sum("id")).collect())
else:
    print(spark.read.parquet(os.path.join(base, "no-such-dir", "events")).count())
