"""job_stuck_no_resources: the app asks for executors bigger than any worker offers (set by the
drill in spark.executor.memory); its first job waits for an executor that never comes."""
import labapp

spark = labapp.session()
labapp.phase("submitted")
print(spark.sparkContext.parallelize(range(10), 2).sum())
