package dev.tessera.suite.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.tessera.platform.event.Topic;
import dev.tessera.suite.process.Poll;

/**
 * Creates every topic of the contract ({@link Topic}) under a prefix, with its partitions and retention. Topics that
 * already exist are left as they are, so this runs on every start.
 */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    /** Creates the missing topics; returns the names of those it created. */
    public static List<String> ensure(String bootstrapServers, String prefix, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> missing = new ArrayList<>(Arrays.stream(Topic.values())
                    .map(t -> t.newTopic(prefix, (short) 1)).toList());
            // Right after start the broker may still refuse with a retriable error; try until the deadline.
            Poll.until("could not create the Kafka topics on " + bootstrapServers, timeout)
                    .every(Duration.ofSeconds(1))
                    .check(() -> {
                        var results = admin.createTopics(missing).values();
                        for (NewTopic topic : List.copyOf(missing)) {
                            try {
                                results.get(topic.name()).get(15, TimeUnit.SECONDS);
                                created.add(topic.name());
                                missing.remove(topic);
                            } catch (ExecutionException e) {
                                if (!(e.getCause() instanceof TopicExistsException)) {
                                    throw e;
                                }
                                missing.remove(topic);
                            }
                        }
                        return missing.isEmpty();
                    });
        }
        return created;
    }
}
