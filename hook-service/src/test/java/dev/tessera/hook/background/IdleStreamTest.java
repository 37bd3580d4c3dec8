package dev.tessera.hook.background;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.tessera.hook.testing.EventStream;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Without any background target (this class runs without the function server) hook-service reads the stream in
 * large fetches and delivers nothing, but its group's committed position still keeps up with the stream: a target
 * configured later starts from about the time it was added, not from every event since.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
class IdleStreamTest {

    /** Two fetch waits and two commit intervals, with room for a slow machine. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @InjectTestStack
    TestStack stack;

    @Inject
    BackgroundInterest interest;

    @Test
    void theGroupKeepsUpWithTheStreamWhenNothingIsDelivered() throws Exception {
        assertFalse(interest.delivering(), "this class configures no background target");
        String topic = stack.topic(Topic.EVENTS);
        String group = stack.topicPrefix() + "hook-service";
        try (EventStream events = new EventStream(stack);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers()))) {
            // The group's first assignment commits its starting position; events published before it would be
            // skipped by the "latest" reset and prove nothing.
            Map<TopicPartition, Long> before = endOffsets(admin, topic);
            awaitCommitted(admin, group, before.keySet().stream().collect(Collectors.toMap(p -> p, p -> 0L)));
            for (int i = 0; i < 5; i++) {
                String userId = UUID.randomUUID().toString();
                events.publish(EventStream.event(EventType.LOGIN, userId,
                        Map.of("user", EventStream.user(userId, "idle-" + i + "@example.com"))));
            }
            awaitCommitted(admin, group, endOffsets(admin, topic));
        }
    }

    /** Waits until the group's committed offset of every partition is at least the one given. */
    private static void awaitCommitted(Admin admin, String group, Map<TopicPartition, Long> atLeast)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<TopicPartition, Long> committed = committed(admin, group);
            if (atLeast.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("hook-service's group committed " + committed + ", not yet " + atLeast);
            }
            Thread.sleep(500);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        return admin.listOffsets(partitions).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
