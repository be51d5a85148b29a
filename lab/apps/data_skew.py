"""data_skew: one key holds 95% of the rows; its reduce task does almost all the work while the
others finish at once."""
import time
import labapp
from pyspark.sql import functions as F

spark = labapp.session({"spark.sql.shuffle.partitions": "8", "spark.sql.adaptive.enabled": "false"})
n = 400000
df = spark.range(0, n, numPartitions=4).select(
    F.when(F.col("id") < int(n * 0.95), F.lit(0)).otherwise(F.col("id") % 50 + 1).alias("key"),
    F.col("id").alias("v"))


def per_group(pdf):
    import pandas as pd
    time.sleep(len(pdf) / 100000.0)   # work proportional to the group's rows
    return pd.DataFrame({"key": [int(pdf["key"].iloc[0])], "total": [int(pdf["v"].sum())]})


out = df.repartition(8, "key").groupBy("key").applyInPandas(per_group, "key long, total long")
print(out.count())
spark.stop()
