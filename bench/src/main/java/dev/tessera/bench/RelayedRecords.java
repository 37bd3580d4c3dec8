package dev.tessera.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches a topic from its end, without a consumer group, and notes for each record (by its {@code message-id}
 * header, the outbox row's id) when the outbox relay handed it to the producer (the record's create time) and when
 * it reached a consumer here: the relay's and the broker's share of a mail's way.
 */
final class RelayedRecords implements AutoCloseable {

    /** Epoch milliseconds: the producer's create time and when this watcher received the record. */
    record Seen(long createdMillis, long receivedMillis) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    RelayedRecords(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The broker answers a waiting fetch as soon as a record is appended, so the wait bounds only how often an
        // idle watcher asks again; at 10 ms the watcher's hundred fetches a second took 5-8% of the machine from the
        // suite it measures.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::poll, "relayed-records");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    Header id = record.headers().lastHeader("message-id");
                    if (id != null) {
                        seen.putIfAbsent(new String(id.value(), StandardCharsets.UTF_8),
                                new Seen(record.timestamp(), now));
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() ends the poll.
        } finally {
            consumer.close();
        }
    }

    /** The record of outbox row {@code id}, or null if it has not been seen. */
    Seen of(String id) {
        return seen.get(id);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
