"""A job whose tasks run for a while (each sleeps), so the drill runner can act on executors
while tasks run. Args: TASKS SLEEP_SECONDS [ROUNDS]. Reports phase "running" before the job."""
import sys
import time
import labapp

tasks, sleep = int(sys.argv[1]), float(sys.argv[2])
spark = labapp.session()
sc = spark.sparkContext


def work(i):
    time.sleep(sleep)
    return i


labapp.phase("running")
print(sum(sc.parallelize(range(tasks), tasks).map(work).collect()))
spark.stop()
