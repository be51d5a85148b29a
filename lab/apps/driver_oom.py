"""driver_heap_oom: collect() of a result that does not fit the driver's small heap
(spark.driver.maxResultSize is unlimited, so nothing stops it before the heap)."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
df = spark.range(0, 3000000, numPartitions=4).select(F.col("id"), F.repeat(F.lit("y"), 100).alias("pad"))
print(len(df.collect()))
