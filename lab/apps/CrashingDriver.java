// driver_crash_loop: a JVM driver for standalone cluster deploy mode with --supervise. It starts
// a SparkContext, reads the input path it is configured with, and fails when that path does not
// exist; the master relaunches it, and it fails again, every time.
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

public class CrashingDriver {
  public static void main(String[] args) {
    SparkConf conf = new SparkConf();
    JavaSparkContext sc = new JavaSparkContext(conf);
    try {
      long n = sc.textFile(args[0]).count();
      System.out.println("lines: " + n);
    } finally {
      sc.stop();
    }
  }
}
