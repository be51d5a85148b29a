"""Two jobs over one shuffle: job 1 materialises the map output on both executors ("map-done"),
job 2 reads it again (map stage skipped) with slow reduce tasks. The drill acts in between
or during job 2."""
import sys
import time
import labapp

spark = labapp.session()
sc = spark.sparkContext
reduce_sleep = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
pairs = sc.parallelize(range(200000), 4).map(lambda i: (i % 800, i))
shuffled = pairs.partitionBy(8)
print("job 1:", shuffled.count())
labapp.phase("map-done")
# Give the runner its moment (delete files / wait) before job 2 starts.
deadline = time.time() + 30
import json, os
while time.time() < deadline:
    try:
        if json.load(open(os.environ["LAB_APPINFO"])).get("go") or os.path.exists(os.environ["LAB_APPINFO"] + ".go"):
            break
    except (OSError, ValueError):
        pass
    time.sleep(0.2)
labapp.phase("job2")


def slow(it):
    time.sleep(reduce_sleep)
    return [sum(1 for _ in it)]


print("job 2:", sum(shuffled.mapPartitions(slow).collect()))
spark.stop()
