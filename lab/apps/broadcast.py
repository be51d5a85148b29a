"""broadcast_failure: a broadcast join whose build side takes longer than
spark.sql.broadcastTimeout to compute."""
import time
import labapp
from pyspark.sql import functions as F

spark = labapp.session()
slow = F.udf(lambda v: (time.sleep(0.5), v)[1], "long")
dim = spark.range(0, 40, numPartitions=2).select(slow("id").alias("k"), F.lit("x").alias("name"))
facts = spark.range(0, 100000).select((F.col("id") % 40).alias("k"))
print(facts.join(F.broadcast(dim), "k").count())
