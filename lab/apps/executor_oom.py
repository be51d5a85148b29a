"""executor_heap_oom (and, under a memory cgroup, container_memory_exceeded): all values of one
key gathered into one array in the JVM (collect_list over a single group), 3M values of ~210
bytes, far more than the executor's heap holds."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
df = spark.range(0, 3000000, numPartitions=2).select(
    (F.col("id") % 1).alias("k"),
    F.concat(F.col("id").cast("string"), F.repeat(F.lit("v"), 200)).alias("v"))
print(df.groupBy("k").agg(F.collect_list("v").alias("vs")).select(F.size("vs")).collect())
