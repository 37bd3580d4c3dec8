package dev.tessera.suite.service;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment every service process gets. It starts from the inherited environment, so GoTrue settings such as
 * {@code GOTRUE_MAILER_AUTOCONFIRM=true} pass through, points the services at the suite's database, broker and SMTP
 * server, hands them the run's secrets, marks them as a local run, and fills in local defaults only where nothing was
 * set.
 */
public final class ServiceEnvironment {

    /**
     * Tells the services they run on this machine only: they then accept a JWT secret shorter than 32 bytes (with a
     * warning), which a deployment refuses to start with.
     */
    public static final String LOCAL_RUN = "TESSERA_LOCAL_RUN";
    public static final String DEFAULT_ADMIN_EMAIL = "noreply@localhost";
    /**
     * The name under which a service's Kafka consumers are static members of their groups
     * (docs/decisions/2026-12-01-consumer-group-membership.md).
     */
    public static final String GROUP_INSTANCE_ID = "TESSERA_KAFKA_GROUP_INSTANCE_ID";
    /**
     * How far above its HTTP port a process serves health and metrics (Quarkus' management interface, 9000 in a
     * container): user-service on 8183 has them on 9183. One host runs several services, so each needs its own.
     */
    public static final int MANAGEMENT_PORT_OFFSET = 1000;

    /** Where the services fetch auth-service's published keys (platform's PublishedKeys). */
    public static final String KEYS_URL = "TESSERA_JWT_KEYS_URL";
    /** Pages served on this machine, whatever their port (a site's dev server), may call the local API. */
    public static final String DEFAULT_URI_ALLOW_LIST = "http://localhost:*,http://127.0.0.1:*";
    /** JSON log lines are for a deployment's log collector; a local run's logs are read by a person. */
    public static final String LOG_JSON = "TESSERA_LOG_JSON";
    /**
     * Quarkus' graceful shutdown: after SIGTERM a service answers the requests it holds, within this, before it stops.
     * A local run's default is shorter than the 20 s {@code ServiceFleet} waits before SIGKILL.
     */
    public static final String SHUTDOWN_TIMEOUT = "QUARKUS_SHUTDOWN_TIMEOUT";
    public static final String DEFAULT_SHUTDOWN_TIMEOUT = "10s";

    private ServiceEnvironment() {
    }

    /**
     * Where the services find what they need.
     *
     * @param databaseUrl a postgres:// URL (GoTrue's DATABASE_URL form)
     * @param kafkaBootstrapServers the broker list
     * @param topicPrefix prefix of every topic name, empty for none
     * @param smtpHost the SMTP server the suite runs, or null when the environment already names one
     * @param smtpPort its port
     * @param siteUrl the public base URL (GoTrue's SITE_URL default)
     */
    public record Infrastructure(String databaseUrl, String kafkaBootstrapServers, String topicPrefix, String smtpHost,
            int smtpPort, String siteUrl) {
    }

    /**
     * The services' shared environment.
     *
     * @param ports each service's internal address, for the {@code TESSERA_<SERVICE>_URL} defaults
     * @param secrets the run's JWT secret and operator token (the environment's, else the checkout's own)
     */
    public static Map<String, String> compose(Map<String, String> inherited, Infrastructure infra,
            Map<SuiteService, Integer> ports, LocalSecrets secrets) {
        Map<String, String> env = new HashMap<>(inherited);
        env.put("DATABASE_URL", infra.databaseUrl());
        env.remove("GOTRUE_DB_DATABASE_URL");
        env.remove("GOTRUE_DATABASE_URL");
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafkaBootstrapServers());
        if (infra.topicPrefix() == null || infra.topicPrefix().isEmpty()) {
            env.remove("TESSERA_KAFKA_TOPIC_PREFIX");
        } else {
            env.put("TESSERA_KAFKA_TOPIC_PREFIX", infra.topicPrefix());
        }
        if (infra.smtpHost() != null) {
            env.put("GOTRUE_SMTP_HOST", infra.smtpHost());
            env.put("GOTRUE_SMTP_PORT", String.valueOf(infra.smtpPort()));
        }
        env.put("GOTRUE_JWT_SECRET", secrets.jwtSecret().value());
        if (secrets.jwtKeys() != null) {
            env.put("GOTRUE_JWT_KEYS", secrets.jwtKeys().value());
        }
        env.put("GOTRUE_OPERATOR_TOKEN", secrets.operatorToken().value());
        env.put(LOCAL_RUN, "true");
        // One broker on a fixed address: after its crash the clients should retry it, not rebootstrap for seconds.
        env.putIfAbsent("TESSERA_KAFKA_METADATA_RECOVERY", "none");
        // The local gateway applies a site's rules itself (--site); auth-service's forward-auth only names visitors.
        env.remove("TESSERA_SITE_RULES");
        env.putIfAbsent("GOTRUE_SITE_URL", infra.siteUrl());
        env.putIfAbsent("GOTRUE_SMTP_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL);
        env.putIfAbsent("GOTRUE_URI_ALLOW_LIST", DEFAULT_URI_ALLOW_LIST);
        env.putIfAbsent(LOG_JSON, "false");
        env.putIfAbsent(SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);
        ports.forEach((service, port) -> env.putIfAbsent(service.urlVariable(), "http://127.0.0.1:" + port));
        // Verifiers learn a key auth-service signs with before their own configuration names it.
        Integer auth = ports.get(SuiteService.AUTH);
        if (auth != null) {
            env.putIfAbsent(KEYS_URL, "http://127.0.0.1:" + auth + "/.well-known/jwks.json");
        }
        return env;
    }

    /**
     * The environment of one service process: the shared one plus its own HTTP and management ports
     * ({@link #managementPort}), bound to loopback only, and its
     * name as the static member of its Kafka consumer groups ({@value #GROUP_INSTANCE_ID}), as a pod's name is in a
     * cluster. A process started again under the same name takes its predecessor's partitions back at once, even
     * after a SIGKILL, instead of waiting for the predecessor's session to time out.
     *
     * @param instance the process's name, unique among the processes of the run (user-service-2)
     */
    public static Map<String, String> forService(Map<String, String> shared, String instance, int port) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort(port)));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put(GROUP_INSTANCE_ID, instance);
        return env;
    }

    /** The port of the process's health and metrics ({@code /q/health/ready}, {@code /q/metrics}). */
    public static int managementPort(int httpPort) {
        int above = httpPort + MANAGEMENT_PORT_OFFSET;
        return above <= 65535 ? above : httpPort - MANAGEMENT_PORT_OFFSET;
    }

    /** Where a process on {@code httpPort} answers its readiness probe. */
    public static URI readiness(int httpPort) {
        return URI.create("http://127.0.0.1:" + managementPort(httpPort) + "/q/health/ready");
    }
}
