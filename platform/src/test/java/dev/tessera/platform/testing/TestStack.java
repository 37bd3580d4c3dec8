package dev.tessera.platform.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.icegreen.greenmail.util.GreenMail;

import dev.tessera.platform.event.Topic;

/**
 * The real components one test stack runs against: a fresh database, the run's Kafka broker with topics under a
 * private prefix, and (when asked for) a GreenMail SMTP server. Tests read what a user would see through it: rows,
 * records on the topics and mails received.
 */
public final class TestStack implements AutoCloseable {

    private final TestDatabase database;
    private final String topicPrefix;
    private final GreenMail greenMail;

    TestStack(TestDatabase database, String topicPrefix, GreenMail greenMail) {
        this.database = database;
        this.topicPrefix = topicPrefix;
        this.greenMail = greenMail;
    }

    public static TestStack start(boolean withSmtp) {
        TestDatabase database = TestDatabase.create();
        String prefix = "t" + Long.toHexString(System.nanoTime()) + ".";
        SharedKafka.createTopics(prefix);
        GreenMail greenMail = null;
        if (withSmtp) {
            greenMail = new GreenMail(new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "smtp"));
            greenMail.start();
        }
        return new TestStack(database, prefix, greenMail);
    }

    public TestDatabase database() {
        return database;
    }

    public Connection jdbc() throws SQLException {
        return database.connect();
    }

    public String bootstrapServers() {
        return SharedKafka.bootstrapServers();
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    public String topic(Topic topic) {
        return topic.name(topicPrefix);
    }

    public GreenMail greenMail() {
        if (greenMail == null) {
            throw new IllegalStateException("this stack runs no SMTP server");
        }
        return greenMail;
    }

    public int smtpPort() {
        return greenMail().getSmtp().getPort();
    }

    /**
     * Reads the topic from the beginning until {@code done} accepts what has been read, or fails after the
     * timeout with what was seen. Records of the public topic must also conform to docs/asyncapi.yaml
     * ({@link EventContract}; the module's tests then need {@code com.networknt:json-schema-validator}).
     */
    public List<ConsumerRecord<String, String>> awaitRecords(Topic topic,
            Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            String name = topic(topic);
            List<TopicPartition> partitions = consumer.partitionsFor(name, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(name, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (!done.test(seen)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("timed out after " + timeout + " on " + name + "; saw " + seen.size()
                            + " records: " + seen.stream().map(ConsumerRecord::value).toList());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        if (topic == Topic.EVENTS) {
            EventContract.get().assertConforms(seen);
        }
        return seen;
    }

    @Override
    public void close() {
        if (greenMail != null) {
            greenMail.stop();
        }
        database.close();
    }
}
