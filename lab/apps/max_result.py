"""driver_max_result_size: collect() of (incompressible) results larger than spark.driver.maxResultSize."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
# SHA-256 hex strings: they do not compress, so the serialized task results really are ~30 MB.
df = spark.range(0, 400000, numPartitions=4).select(F.col("id"), F.sha2(F.col("id").cast("string"), 256).alias("h"))
print(len(df.collect()))
