from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[2]").appName("structured-log-sample")
         .config("spark.log.structuredLogging.enabled", "true")
         .config("spark.ui.enabled", "false")
         .config("spark.task.maxFailures", "2")
         .getOrCreate())
try:
    spark.sql("SELECT assert_true(id < 5, 'bad record') FROM range(10)").collect()
except Exception as e:
    print("FAILED:", type(e).__name__)
spark.stop()
