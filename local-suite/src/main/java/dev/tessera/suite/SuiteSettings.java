package dev.tessera.suite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.SuiteService;

/**
 * What a local run is configured with, read from the environment. Every port can be moved; none may be one of the
 * ports other servers on these machines own.
 *
 * @param repoRoot the repository whose modules' jars are run
 * @param runDir the run's logs, broker data, embedded database and secrets: {@code TESSERA_RUN_DIR}, else
 *            {@code .run/} in the repository
 * @param host the host name the public URLs use and the gateway and inbox listen on
 * @param servicePorts each service's internal address: its one process, or the balancer in front of its replicas
 * @param replicas how many processes of each service run (1 unless {@code TESSERA_<SERVICE>_REPLICAS} says more)
 * @param classDataArchives whether services start from, and record, class-data archives
 *            ({@code TESSERA_CLASS_DATA_ARCHIVES}, on unless set to off; {@code ClassDataArchives})
 */
public record SuiteSettings(
        Path repoRoot,
        Path runDir,
        String host,
        int gatewayPort,
        int inboxPort,
        int smtpPort,
        int kafkaPort,
        int kafkaControllerPort,
        int embeddedPostgresPort,
        Map<SuiteService, Integer> servicePorts,
        Map<SuiteService, Integer> replicas,
        String topicPrefix,
        Duration startTimeout,
        List<String> serviceJvmOptions,
        List<String> kafkaJvmOptions,
        boolean classDataArchives) {

    /** PostgreSQL, MariaDB, Redis, RabbitMQ, MQTT and NATS already listen on these. */
    public static final Map<Integer, String> RESERVED_PORTS = Map.of(5432, "PostgreSQL", 3306, "MySQL/MariaDB",
            6379, "Redis", 5672, "RabbitMQ", 1883, "MQTT", 4222, "NATS");

    /** At most this many replicas of one service; replica ports are spaced by 10 from the service's port. */
    public static final int MAX_REPLICAS = 9;
    /** The range free loopback ports are picked from, below the ephemeral range with room for the +1000 port. */
    private static final int FREE_PORTS_FROM = 20000;
    private static final int FREE_PORTS_BELOW = 32768 - ServiceEnvironment.MANAGEMENT_PORT_OFFSET;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /**
     * Each service's JVM options unless {@code TESSERA_SERVICE_JAVA_OPTS} says otherwise. A service's live heap after
     * load is about 50 MB, so 128 MB leaves room for bursts. The heap starts at 32 MB and grows as needed: without
     * -Xms the initial heap is 1/64 of the machine's memory, here the whole 128 MB, and a heap never shrinks below
     * its initial size, so it would stay at 128 MB once touched. The serial collector has the least native overhead and
     * gives back what a full collection frees beyond 30% free; 64 MB of code cache is about 2.5x what a service
     * compiles under load (240 MB reserved by default). Every 10 s the JVM hands glibc's free native memory back to
     * the system (the JIT's and the class loaders' scratch memory, about 20 MB after load, which glibc otherwise keeps).
     * Measured in docs/decisions/2026-12-02-jvm-footprint.md.
     */
    public static final String DEFAULT_SERVICE_JAVA_OPTS = "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:-UsePerfData"
            + " -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=64m"
            + " -XX:TrimNativeHeapInterval=10000";
    /**
     * The broker's JVM options unless {@code TESSERA_KAFKA_JAVA_OPTS} says otherwise (the suite's and the tests'). Its
     * heap fits in 160 MB because the launcher shrinks the log cleaner's buffer ({@code KafkaBroker}).
     */
    public static final String DEFAULT_KAFKA_JAVA_OPTS = "-Xmx160m -Xms32m -XX:+UseSerialGC -XX:-UsePerfData"
            + " -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=64m"
            + " -XX:TrimNativeHeapInterval=10000";

    public static SuiteSettings from(Map<String, String> env, Path repoRoot) {
        Map<SuiteService, Integer> services = new EnumMap<>(SuiteService.class);
        Map<SuiteService, Integer> replicas = new EnumMap<>(SuiteService.class);
        for (SuiteService service : SuiteService.values()) {
            services.put(service, port(env, service.defaultPort(), service.portVariable()));
            int count = number(env, 1, service.replicasVariable());
            if (count < 1 || count > MAX_REPLICAS) {
                throw new SuiteException(service.replicasVariable() + " must be 1 to " + MAX_REPLICAS + ", not "
                        + count);
            }
            replicas.put(service, count);
        }
        Path root = repoRoot.toAbsolutePath().normalize();
        SuiteSettings settings = new SuiteSettings(
                root,
                first(env, "TESSERA_RUN_DIR").map(dir -> Path.of(dir).toAbsolutePath().normalize())
                        .orElse(root.resolve(".run")),
                first(env, "TESSERA_HOST", "GOTRUE_API_HOST").orElse("localhost"),
                port(env, 8081, "TESSERA_PORT", "GOTRUE_API_PORT", "PORT"),
                port(env, 8025, "TESSERA_INBOX_PORT"),
                port(env, 3025, "TESSERA_SMTP_PORT"),
                port(env, 19092, "TESSERA_KAFKA_PORT"),
                port(env, 19093, "TESSERA_KAFKA_CONTROLLER_PORT"),
                port(env, 15432, "TESSERA_POSTGRES_PORT"),
                services,
                replicas,
                first(env, "TESSERA_KAFKA_TOPIC_PREFIX").orElse(""),
                Duration.ofSeconds(number(env, 240, "TESSERA_START_TIMEOUT")),
                JavaCommand.options(first(env, "TESSERA_SERVICE_JAVA_OPTS").orElse(DEFAULT_SERVICE_JAVA_OPTS)),
                JavaCommand.options(first(env, "TESSERA_KAFKA_JAVA_OPTS").orElse(DEFAULT_KAFKA_JAVA_OPTS)),
                onOff(env, "TESSERA_CLASS_DATA_ARCHIVES", true));
        for (PortSetting setting : settings.ports()) {
            if (RESERVED_PORTS.containsKey(setting.port())) {
                throw new SuiteException(setting.variable() + " is " + setting.port() + ", the port of "
                        + RESERVED_PORTS.get(setting.port()) + " on these machines; choose another");
            }
        }
        return settings;
    }

    private static Optional<String> first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    private static boolean onOff(Map<String, String> env, String name, boolean fallback) {
        Optional<String> value = first(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> throw new SuiteException(name + " must be on or off, not " + env.get(name));
        };
    }

    private static int port(Map<String, String> env, int fallback, String... names) {
        int port = number(env, fallback, names);
        if (port < 1 || port > 65535) {
            throw new SuiteException(String.join("/", names) + " must be a port number, not " + port);
        }
        return port;
    }

    private static int number(Map<String, String> env, int fallback, String... names) {
        Optional<String> value = first(env, names);
        try {
            return value.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new SuiteException(String.join("/", names) + " must be a number, not '" + value.get() + "'");
        }
    }

    /** When a port is needed: always, or only when the launcher runs that part itself. */
    public enum Need {
        ALWAYS, OWN_BROKER, OWN_SMTP, EMBEDDED_POSTGRES
    }

    /** One port of the run: what uses it, the variable that moves it, and when it is needed. */
    public record PortSetting(String user, String variable, int port, Need need) {
    }

    /** Every port of the run. */
    public List<PortSetting> ports() {
        List<PortSetting> ports = new ArrayList<>();
        ports.add(new PortSetting("the gateway", "TESSERA_PORT", gatewayPort, Need.ALWAYS));
        ports.add(new PortSetting("the inbox", "TESSERA_INBOX_PORT", inboxPort, Need.OWN_SMTP));
        ports.add(new PortSetting("SMTP", "TESSERA_SMTP_PORT", smtpPort, Need.OWN_SMTP));
        ports.add(new PortSetting("Kafka", "TESSERA_KAFKA_PORT", kafkaPort, Need.OWN_BROKER));
        ports.add(new PortSetting("the Kafka controller", "TESSERA_KAFKA_CONTROLLER_PORT", kafkaControllerPort,
                Need.OWN_BROKER));
        ports.add(new PortSetting("embedded PostgreSQL", "TESSERA_POSTGRES_PORT", embeddedPostgresPort,
                Need.EMBEDDED_POSTGRES));
        servicePorts.forEach((service, port) -> ports.add(new PortSetting(service.module(), service.portVariable(),
                port, Need.ALWAYS)));
        replicaPorts().forEach((service, list) -> {
            if (list.size() > 1) {
                for (int i = 0; i < list.size(); i++) {
                    ports.add(new PortSetting(service.replicaName(i, list.size()), service.portVariable()
                            + " (+10 per replica)", list.get(i), Need.ALWAYS));
                }
            }
        });
        return ports;
    }

    /**
     * The port of each process of each service. A service that runs once listens on its port; replicas listen on
     * the port plus 10, 20, ... and the port itself belongs to the balancer in front of them (its internal address).
     */
    public Map<SuiteService, List<Integer>> replicaPorts() {
        Map<SuiteService, List<Integer>> all = new EnumMap<>(SuiteService.class);
        servicePorts.forEach((service, port) -> {
            int count = replicas.getOrDefault(service, 1);
            List<Integer> list = new ArrayList<>();
            if (count == 1) {
                list.add(port);
            } else {
                for (int i = 1; i <= count; i++) {
                    list.add(port + 10 * i);
                }
            }
            all.put(service, List.copyOf(list));
        });
        return all;
    }

    /**
     * A loopback port nothing listens on now, nor on the port {@link ServiceEnvironment#MANAGEMENT_PORT_OFFSET} above
     * it (a service's health and metrics), for parts that need no fixed port. Both lie below the kernel's ephemeral
     * range (from 32768 on Linux): a port the kernel picked is free when checked but may be taken by any outgoing
     * connection (a suite makes hundreds) before the part binds it. Each port is handed out once per JVM.
     */
    public static int freeLoopbackPort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FREE_PORTS_FROM, FREE_PORTS_BELOW);
            int management = port + ServiceEnvironment.MANAGEMENT_PORT_OFFSET;
            if (!HANDED_OUT.contains(port) && !HANDED_OUT.contains(management) && listenable(port)
                    && listenable(management) && HANDED_OUT.add(port)) {
                HANDED_OUT.add(management);
                return port;
            }
        }
        throw new SuiteException("no free loopback port pair between " + FREE_PORTS_FROM + " and "
                + FREE_PORTS_BELOW);
    }

    private static boolean listenable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** Fails, naming the port and its variable, when something already listens where this run wants to. */
    public static void requireFree(PortSetting setting) {
        try (ServerSocket socket = new ServerSocket()) {
            // As servers bind: connections in TIME_WAIT from an earlier run do not count, a listener does.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), setting.port()));
        } catch (IOException e) {
            throw new SuiteException("port " + setting.port() + " for " + setting.user() + " is already in use. Is "
                    + "an earlier run still up? (ss -ltnp | grep :" + setting.port() + ") Or move it with "
                    + setting.variable() + ".");
        }
    }

    public Path logDir() {
        return runDir().resolve("logs");
    }

    /** The checkout's generated JWT secret and operator token (owner-only). */
    public Path secretsDir() {
        return runDir().resolve("secrets");
    }

    /** The name browsers and clients use: the listen host, or localhost when listening on every interface. */
    public String publicHost() {
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    }

    public String baseUrl() {
        return "http://" + publicHost() + ":" + gatewayPort;
    }

    public String inboxUrl() {
        return "http://" + publicHost() + ":" + inboxPort;
    }
}
