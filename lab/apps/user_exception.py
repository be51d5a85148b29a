"""task_user_exception: a Python UDF raises on a bad record; every retry hits the same record
until spark.task.maxFailures (4) is exhausted and the job is aborted."""
import labapp
from pyspark.sql import functions as F

spark = labapp.session()


def parse_amount(s):
    # Records look like "amount=<int>"; one of them is corrupt.
    key, _, value = s.partition("=")
    if key != "amount":
        raise ValueError(f"bad record: {s!r}")
    return int(value)


import time

parse = F.udf(parse_amount, "long")
rows = [f"amount={i}" for i in range(1000)]
rows[617] = "amount;617"  # the bad record
df = spark.createDataFrame([(r,) for r in rows], ["raw"]).repartition(2)
try:
    print(df.select(parse("raw").alias("amount")).agg(F.sum("amount")).collect())
finally:
    # Stay up a few Prometheus scrape intervals (2 s) after the failure, as a long-running
    # application would: the driver serves the executor metrics, so without this a loaded
    # machine could end the app before Prometheus saw the failed-task counter move.
    time.sleep(8)
