"""serialization.
  serialization.py closure   a task closure that holds a lock: cloudpickle cannot serialize it
  serialization.py kryo      task results larger than spark.kryoserializer.buffer.max (Kryo)
"""
import sys
import threading
import labapp

mode = sys.argv[1]
spark = labapp.session()
sc = spark.sparkContext
if mode == "closure":
    lock = threading.Lock()   # e.g. a client object holding a lock, captured by the lambda

    def enrich(x):
        with lock:
            return x * 2

    print(sc.parallelize(range(100), 2).map(enrich).sum())
else:
    # Each record is one 3 MB value; with the Kryo serializer the executor serializes the task
    # result through a buffer capped at spark.kryoserializer.buffer.max.
    print(len(sc.parallelize(range(2), 2).map(lambda i: b"k" * (3 << 20)).collect()))
