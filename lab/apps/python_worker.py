"""python_worker.
  python_worker.py crash    the Python worker process dies (segfault in native code) in a UDF
  python_worker.py memory   a UDF allocates more than spark.executor.pyspark.memory allows
"""
import sys
import labapp
from pyspark.sql import functions as F

mode = sys.argv[1]
spark = labapp.session()


def native_crash(v):
    if v == 4242:
        import ctypes
        ctypes.string_at(0)      # reads address 0: SIGSEGV in the Python worker
    return v


def big_alloc(v):
    if v == 4242:
        block = bytearray(600 * 1024 * 1024)   # 600 MiB in one Python worker
        return len(block)
    return v


fn = native_crash if mode == "crash" else big_alloc
udf = F.udf(fn, "long")
print(spark.range(0, 10000, numPartitions=2).select(udf("id").alias("v")).agg(F.sum("v")).collect())
