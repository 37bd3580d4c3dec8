package dev.tessera.samples.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads Tessera's public event stream in a consumer group of its own, hands each event to an {@link EventHandler}
 * once, and commits offsets only after the records of a poll were handled.
 */
public final class IdentityEventConsumer implements AutoCloseable {

    /** The public topic; a deployment may put its {@code TESSERA_KAFKA_TOPIC_PREFIX} in front. */
    public static final String TOPIC = "identity.events.v1";

    private static final System.Logger LOG = System.getLogger(IdentityEventConsumer.class.getName());

    private final KafkaConsumer<String, String> consumer;
    private final EventHandler handler;
    private final SeenEvents seen;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();

    /** What happened to the records read so far. */
    public record Counts(long handled, long duplicates, long skipped, long unreadable) {
    }

    public IdentityEventConsumer(Properties config, String topic, EventHandler handler, SeenEvents seen) {
        this.consumer = new KafkaConsumer<>(config);
        this.handler = handler;
        this.seen = seen;
        consumer.subscribe(List.of(topic));
    }

    /**
     * The client settings that matter for this stream. The group id is yours alone: every group receives every
     * event, so sharing a group with another application would split the events between you.
     */
    public static Properties config(String bootstrapServers, String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Auto-commit runs on a timer and can commit a record that was read but not yet handled; after a crash
        // that event would be lost. Committing after handling can only repeat events, which SeenEvents absorbs.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A new group starts with the oldest retained event (7 days) instead of only what comes after its start.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /**
     * Polls once, handles every record that arrived, then commits. If the handler throws, nothing of this poll is
     * committed: close this consumer and start a new one (or let the process restart), and the records come again.
     */
    public int pollOnce(Duration timeout) {
        ConsumerRecords<String, String> records = consumer.poll(timeout);
        for (ConsumerRecord<String, String> record : records) {
            process(record);
        }
        if (!records.isEmpty()) {
            consumer.commitSync();
        }
        return records.count();
    }

    /** Polls until {@link #stop()} is called from another thread. */
    public void run() {
        try {
            while (true) {
                pollOnce(Duration.ofSeconds(1));
            }
        } catch (WakeupException stopped) {
            // stop() was called; whatever was handled but not committed is delivered again and deduplicated
        }
    }

    /** Makes {@link #run()} return; the only method that may be called from another thread. */
    public void stop() {
        consumer.wakeup();
    }

    public Counts counts() {
        return new Counts(handled.get(), duplicates.get(), skipped.get(), unreadable.get());
    }

    private void process(ConsumerRecord<String, String> record) {
        CloudEvent event;
        try {
            event = CloudEvent.parse(json, record.value());
        } catch (IllegalArgumentException e) {
            // Retrying cannot fix a record that is not an event, and stopping would block its partition for good.
            LOG.log(System.Logger.Level.WARNING, "skipping unreadable record {0}-{1}@{2}: {3}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            unreadable.incrementAndGet();
            return;
        }
        if (seen.contains(event.id())) {
            duplicates.incrementAndGet();
            return;
        }
        // The key is the user id (the same as the event's subject). Kafka keeps one key's records in order, so
        // this user's events arrive in the order Tessera committed them.
        String userId = record.key();
        boolean known = handler.handle(userId, event);
        seen.add(event.id());
        (known ? handled : skipped).incrementAndGet();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
