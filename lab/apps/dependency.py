"""dependency_conflict: the app reads over JDBC with a driver class that is not on the classpath
(its jar was not shipped with --jars / spark.jars.packages)."""
import labapp

spark = labapp.session()
df = (spark.read.format("jdbc")
      .option("url", "jdbc:postgresql://127.0.0.1:1/warehouse")
      .option("driver", "org.postgresql.Driver")
      .option("dbtable", "orders").load())
print(df.count())
