package dev.tessera.platform.testing;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import dev.tessera.platform.event.Topic;

/**
 * The one Kafka broker of a test run. The test command starts a real KRaft broker once and passes its address in
 * {@code TESSERA_TEST_KAFKA_BOOTSTRAP}; a developer running one module's tests alone gets an in-process KRaft broker
 * instead, started once per JVM. Each test stack gets its own topic prefix, so runs sharing a broker never see each
 * other's messages.
 */
public final class SharedKafka {

    public static final String BOOTSTRAP_ENV = "TESSERA_TEST_KAFKA_BOOTSTRAP";

    private static String bootstrap;
    private static KafkaClusterTestKit cluster;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external == null || external.isBlank()) {
            external = System.getProperty(BOOTSTRAP_ENV);
        }
        if (external != null && !external.isBlank()) {
            bootstrap = external.trim();
            return bootstrap;
        }
        // The kit deletes its directories in a shutdown hook of its own, which the JVM runs beside the one below
        // that closes the broker; a broker that finds its log directory gone can halt the JVM with status 1
        // (Exit.halt), which surefire would report as a failed fork after every test passed. A broker failing for real
        // during a test still fails that test, by what it no longer answers.
        Exit.setHaltProcedure((status, message) -> System.err.println("In-process Kafka broker asked to halt ("
                + status + "): " + message));
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-process Kafka broker", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception ignored) {
                // the JVM is exiting
            }
        }));
        bootstrap = cluster.bootstrapServers();
        // A Quarkus restart loads this class again in a new class loader; the property makes it reuse this broker.
        System.setProperty(BOOTSTRAP_ENV, bootstrap);
        return bootstrap;
    }

    /** Creates every topic of the contract under the prefix, with its partitions and retention. */
    public static void createTopics(String prefix) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = java.util.Arrays.stream(Topic.values()).map(t -> t.newTopic(prefix, (short) 1)).toList();
            admin.createTopics(topics).all().get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics with prefix " + prefix, e);
        }
    }
}
