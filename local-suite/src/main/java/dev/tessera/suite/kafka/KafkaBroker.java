package dev.tessera.suite.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import dev.tessera.suite.SuiteException;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.process.Poll;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run as a child process
 * from the Apache Kafka jars the build copied into {@code target/lib}. Its storage is formatted on first use and
 * kept in the data directory; topics are never created automatically.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final String HOST = "127.0.0.1";

    private final ChildProcess process;
    private final String bootstrapServers;

    private KafkaBroker(ChildProcess process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * How to run the broker.
     *
     * @param dataDir holds server.properties and the log directory
     * @param port the client listener
     * @param controllerPort the KRaft controller listener
     * @param classpathDir the directory of jars holding kafka.Kafka
     * @param log where the broker's output goes
     * @param jvmOptions heap and such
     * @param readyTimeout how long to wait for it to answer
     */
    public record Settings(Path dataDir, int port, int controllerPort, Path classpathDir, Path log,
            List<String> jvmOptions, Duration readyTimeout) {
    }

    public static KafkaBroker start(Settings settings) {
        if (!Files.isDirectory(settings.classpathDir())) {
            throw new SuiteException("the Kafka broker jars are missing: " + settings.classpathDir()
                    + " does not exist (build local-suite with ./mvnw package)");
        }
        Path config = writeConfig(settings);
        String classpath = settings.classpathDir().resolve("*").toString();
        if (!Files.exists(logDir(settings).resolve("meta.properties"))) {
            format(settings, classpath, config);
        }
        // In a session of its own: a terminal's Ctrl-C reaches only the launcher, which stops the broker after
        // everything that uses it.
        ChildProcess process = ChildProcess.startInOwnSession("kafka", JavaCommand.of(brokerJvmOptions(settings),
                "-cp", classpath, "kafka.Kafka", config.toString()), System.getenv(), settings.dataDir(),
                settings.log());
        KafkaBroker broker = new KafkaBroker(process, HOST + ":" + settings.port());
        try {
            broker.awaitReady(settings.readyTimeout());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static Path logDir(Settings settings) {
        return settings.dataDir().resolve("data");
    }

    private static Path writeConfig(Settings settings) {
        String properties = String.join("\n",
                "# Written by the Tessera launcher on every start; edits are overwritten.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + HOST + ":" + settings.controllerPort(),
                "listeners=PLAINTEXT://" + HOST + ":" + settings.port() + ",CONTROLLER://" + HOST + ":"
                        + settings.controllerPort(),
                "advertised.listeners=PLAINTEXT://" + HOST + ":" + settings.port(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logDir(settings),
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                // The controller appends a no-op record to the metadata log this often (500 ms by default) so that
                // other nodes can tell a live controller from a stalled one. On a single combined node that tells
                // no one anything, and it was about a third of the idle broker's CPU (30 against 22 ms a second).
                "metadata.max.idle.interval.ms=5000",
                // A broker that died keeps its registration until its session times out (9 s by default), and the
                // same broker started again is refused until then (DUPLICATE_BROKER_REGISTRATION): on a single node
                // that is 9 s without Kafka after every crash. A one-node controller has no network between it and
                // its broker to be patient with.
                "broker.heartbeat.interval.ms=500",
                "broker.session.timeout.ms=2500",
                // The log cleaner allocates its whole dedupe buffer (128 MB by default) on the heap at start, for
                // compacting topics of production size. Here it compacts only __consumer_offsets and the suite's
                // small compacted topics: 8 MB holds ~200,000 keys and lets the broker run in a 160 MB heap
                // (docs/decisions/2026-12-02-jvm-footprint.md).
                "log.cleaner.dedupe.buffer.size=8388608",
                // Thread pools sized for a laptop's few cores rather than a broker host's (3 network, 8 I/O).
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "");
        try {
            Files.createDirectories(settings.dataDir());
            Path file = settings.dataDir().resolve("server.properties");
            Files.writeString(file, properties, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void format(Settings settings, String classpath, Path config) {
        Path log = settings.log().resolveSibling("kafka-format.log");
        ChildProcess format = ChildProcess.start("kafka-format", JavaCommand.of(List.of("-Xmx128m"), "-cp",
                classpath, "kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString()), System.getenv(), settings.dataDir(), log);
        if (!format.waitFor(Duration.ofMinutes(2)) || format.exitValue() != 0) {
            format.stop(Duration.ofSeconds(5));
            throw new SuiteException("formatting the Kafka storage in " + logDir(settings) + " failed:"
                    + System.lineSeparator() + format.tail(30));
        }
    }

    private static List<String> brokerJvmOptions(Settings settings) {
        List<String> options = new ArrayList<>(settings.jvmOptions());
        // The broker logs through slf4j-simple (on the same classpath): timestamps, INFO and up, to its log file.
        options.addAll(List.of(
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.logFile=System.out"));
        return options;
    }

    private void awaitReady(Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        try (Admin admin = Admin.create(props)) {
            Poll.until("the Kafka broker did not answer on " + bootstrapServers, timeout)
                    .every(Duration.ofMillis(500))
                    .abortWhen(process.onExit(), () -> "it exited with code " + process.exitValue()
                            + System.lineSeparator() + "--- last lines of " + process.log() + " ---"
                            + System.lineSeparator() + process.tail(40))
                    .check(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return process.log();
    }

    /** Kills the broker with SIGKILL, as a crash would: its data directory stays, so {@link #start} resumes it. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.stop(STOP_GRACE);
    }
}
