"""job_stuck_hung: one task blocks forever (a Python UDF waiting on a lock no one releases,
as a call to a dead external service would); the job never ends."""
import threading
import labapp
from pyspark.sql import functions as F

spark = labapp.session()


def lookup(v):
    if v == 7:
        threading.Event().wait()   # waits forever
    return v


labapp.phase("running")
print(spark.range(0, 100, numPartitions=2).select(F.udf(lookup, "long")("id")).collect())
