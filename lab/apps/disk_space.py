"""disk_space: a shuffle writes more than the small filesystem under spark.local.dir holds."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
df = spark.range(0, 3000000, numPartitions=4).select(
    F.col("id"), F.sha2(F.col("id").cast("string"), 512).alias("h1"), F.sha2(F.col("id").cast("string"), 384).alias("h2"))
print(df.repartition(4, "h1").groupBy(F.substring("h1", 1, 3)).count().count())
