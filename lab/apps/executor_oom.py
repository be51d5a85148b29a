"""executor_heap_oom: one key's values gathered into one array in the JVM (collect_list over a
single group) by an executor with a small heap: java.lang.OutOfMemoryError on the executor."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
df = spark.range(0, 20000000, numPartitions=2).select((F.col("id") % 1).alias("k"),
                                                       F.concat(F.lit("v"), F.col("id").cast("string")).alias("v"))
print(df.groupBy("k").agg(F.collect_list("v").alias("vs")).select(F.size("vs")).collect())
