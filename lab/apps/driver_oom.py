"""driver_heap_oom: collect() of 12 rows of 50 MB each (600 MB) into a 512 MiB driver heap, with
spark.driver.maxResultSize unlimited so nothing stops it before the heap. Rows this large make the
collecting thread's own allocation fail (a 3M-row collect of small rows starved every driver
thread instead and the driver hung in one run out of three)."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
# rand() (always 0 here) keeps the optimizer from folding the 50 MB string into the plan.
df = spark.range(0, 12, numPartitions=4).select(
    F.col("id"), F.expr("repeat('y', 50000000 + cast(rand() * 0.5 as int))").alias("pad"))
print(len(df.collect()))
