"""config_error: the drill submits this app with an invalid setting (spark.executor.memory below
Spark's minimum); SparkContext refuses to start."""
import labapp

spark = labapp.session()
print(spark.range(10).count())
