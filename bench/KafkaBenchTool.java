import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's own Kafka client, run unchanged against kbus and Apache Kafka (bench/run.mjs).
 *
 * create-topics BOOTSTRAP NAME...  one CreateTopics request: one partition each, replication 1.
 * e2e BOOTSTRAP TOPIC RATE SECONDS WARMUP_SECONDS SIZE ACKS
 *   An open-loop producer sends RATE records/s of SIZE bytes for WARMUP_SECONDS + SECONDS; each
 *   record carries the System.nanoTime() it was scheduled at, so a stalled send still counts its
 *   wait (no coordinated omission). A consumer in the same JVM (same clock) reads them back and
 *   records now − scheduled time for the records scheduled after the warm-up. Prints one JSON line.
 */
public final class KafkaBenchTool {
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("create-topics")) {
      createTopics(args[1], Arrays.asList(args).subList(2, args.length));
    } else if (args.length == 8 && args[0].equals("e2e")) {
      endToEnd(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          Integer.parseInt(args[6]), args[7]);
    } else {
      System.err.println("usage: create-topics BOOTSTRAP NAME... | e2e BOOTSTRAP TOPIC RATE SECONDS WARMUP_SECONDS SIZE ACKS");
      System.exit(2);
    }
  }

  private static void createTopics(String bootstrap, List<String> names) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) topics.add(new NewTopic(name, 1, (short) 1));
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  private static void endToEnd(String bootstrap, String topic, int rate, int seconds, int warmupSeconds, int size, String acks)
      throws Exception {
    Properties producerProps = new Properties();
    producerProps.put("bootstrap.servers", bootstrap);
    producerProps.put("acks", acks);
    // Latency, not throughput: send each record as soon as it is due.
    producerProps.put("linger.ms", "0");
    Properties consumerProps = new Properties();
    consumerProps.put("bootstrap.servers", bootstrap);
    consumerProps.put("enable.auto.commit", "false");

    long total = (long) rate * (seconds + warmupSeconds);
    long warmupCount = (long) rate * warmupSeconds;
    long[] latencyNanos = new long[(int) (total - warmupCount)];
    AtomicLong measured = new AtomicLong();
    TopicPartition partition = new TopicPartition(topic, 0);

    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
         KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      long startOffset = consumer.position(partition);
      producer.partitionsFor(topic);

      Thread reader = new Thread(() -> {
        long received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + warmupSeconds + 60L);
        while (received < total && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            long index = record.offset() - startOffset;
            if (index >= warmupCount && index < total) {
              long scheduled = ByteBuffer.wrap(record.value()).getLong();
              latencyNanos[(int) measured.getAndIncrement()] = now - scheduled;
            }
            received++;
          }
        }
      }, "e2e-consumer");
      reader.start();

      byte[] filler = new byte[Math.max(size, Long.BYTES)];
      Arrays.fill(filler, (byte) 'x');
      long interval = TimeUnit.SECONDS.toNanos(1) / rate;
      long start = System.nanoTime();
      for (long i = 0; i < total; i++) {
        long due = start + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
        byte[] value = filler.clone();
        ByteBuffer.wrap(value).putLong(due);
        producer.send(new ProducerRecord<>(topic, 0, null, value));
      }
      producer.flush();
      reader.join();
    }

    int count = (int) measured.get();
    long[] sorted = Arrays.copyOf(latencyNanos, count);
    Arrays.sort(sorted);
    System.out.printf(java.util.Locale.ROOT,
        "{\"sent\":%d,\"measured\":%d,\"expected\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}%n",
        total, count, total - warmupCount, percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999),
        count == 0 ? Double.NaN : sorted[count - 1] / 1e6);
  }

  /** Nearest-rank percentile in milliseconds. */
  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
  }
}
