// serialization (Kryo): records kept as Kryo-encoded blobs (Encoders.kryo), each 3 MiB, while
// spark.kryoserializer.buffer.max is 1m: the executors' Kryo output buffer overflows.
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

public class KryoOverflow {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().getOrCreate();
    Dataset<Long> ids = spark.range(0, 2, 1, 2);
    Dataset<byte[]> blobs = ids.map((MapFunction<Long, byte[]>) i -> new byte[3 << 20], Encoders.kryo(byte[].class));
    System.out.println("blobs: " + blobs.collectAsList().size());
    spark.stop();
  }
}
