"""Healthy workloads (false-positive checks): they succeed.
  healthy.py wordcount   RDD word count with a shuffle
  healthy.py sqljoin     DataFrame join + aggregation, written to Parquet and read back
  healthy.py pandasudf   a pandas UDF (Arrow) and a Python UDF over 200k rows
"""
import sys
import labapp

mode = sys.argv[1]
spark = labapp.session()
sc = spark.sparkContext
if mode == "wordcount":
    words = ["spark", "shuffle", "executor", "driver", "stage", "task"] * 5000
    counts = sc.parallelize(words, 4).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b, 4).collect()
    assert dict(counts)["spark"] == 5000, counts
elif mode == "sqljoin":
    import os
    from pyspark.sql import functions as F
    orders = spark.range(0, 200000).select(F.col("id").alias("order_id"), (F.col("id") % 1000).alias("customer_id"),
                                           (F.col("id") % 97).alias("amount"))
    customers = spark.range(0, 1000).select(F.col("id").alias("customer_id"), (F.col("id") % 7).alias("region"))
    agg = orders.join(customers, "customer_id").groupBy("region").agg(F.sum("amount").alias("total"))
    out = os.path.join(os.environ["LAB_RUN_DIR"], "sqljoin.parquet")
    agg.write.mode("overwrite").parquet(out)
    back = spark.read.parquet(out).agg(F.sum("total")).collect()[0][0]
    assert back == orders.agg(F.sum("amount")).collect()[0][0]
elif mode == "pandasudf":
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("double")
    def scaled(v: pd.Series) -> pd.Series:
        return v * 1.5

    df = spark.range(0, 200000, numPartitions=4).withColumn("x", scaled(F.col("id").cast("double")))
    plus = F.udf(lambda v: v + 1, "long")
    total = df.withColumn("y", plus("id")).agg(F.sum("x"), F.sum("y")).collect()[0]
    assert total[1] == sum(range(200000)) + 200000
else:
    raise SystemExit(f"unknown mode {mode}")
print(f"labapp: {mode} done", file=sys.stderr)
spark.stop()
