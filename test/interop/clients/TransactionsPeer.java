/*
 * The interop suite's Java transactional producer (Kafka's clients have no tool that commits and
 * aborts on demand). Run in source-file mode:
 *   java -cp <kafka jars> TransactionsPeer.java <bootstrap> <topic> <transactional id> commit:a,b abort:c commit:d
 * One transaction per plan argument, written to partition 0; an aborted one is on the broker
 * before its abort.
 */
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class TransactionsPeer {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("transactional.id", args[2]);
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            for (int i = 3; i < args.length; i++) {
                String[] plan = args[i].split(":", 2);
                producer.beginTransaction();
                for (String value : plan[1].split(",")) producer.send(new ProducerRecord<>(args[1], 0, null, value)).get();
                if (plan[0].equals("commit")) producer.commitTransaction();
                else producer.abortTransaction();
            }
        }
    }
}
