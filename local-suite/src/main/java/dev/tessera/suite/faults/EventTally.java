package dev.tessera.suite.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.vertx.core.json.JsonObject;

/**
 * The events on the public topic at the end of a fault run, read from the beginning of every partition without a
 * consumer group: how many records of each CloudEvents type, and the distinct ids among them (a record whose id came
 * before is a duplicate, which the at-least-once relay may publish inside its crash window).
 */
record EventTally(Map<String, Set<String>> idsByType, int records) {

    static EventTally read(String bootstrapServers, String topic, int partitions) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Set<String>> ids = new HashMap<>();
        int records = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> all = java.util.stream.IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all, Duration.ofSeconds(30));
            while (all.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    records++;
                    JsonObject event = new JsonObject(record.value());
                    ids.computeIfAbsent(event.getString("type"), k -> new java.util.HashSet<>())
                            .add(event.getString("id"));
                }
            }
        }
        return new EventTally(ids, records);
    }

    /** Distinct events of {@code type}. */
    int distinct(String type) {
        return idsByType.getOrDefault(type, Set.of()).size();
    }

    /** Every distinct event id of the given types. */
    Set<String> ids(Set<String> types) {
        return types.stream().flatMap(t -> idsByType.getOrDefault(t, Set.of()).stream()).collect(Collectors.toSet());
    }

    int duplicates() {
        return records - idsByType.values().stream().mapToInt(Set::size).sum();
    }
}
