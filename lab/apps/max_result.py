"""driver_max_result_size: collect() of results larger than spark.driver.maxResultSize."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
df = spark.range(0, 400000, numPartitions=4).select(F.col("id"), F.repeat(F.lit("x"), 64).alias("pad"))
print(len(df.collect()))
