package dev.tessera.suite.service;

import java.util.HashMap;
import java.util.Map;

/**
 * The environment every service process gets. It starts from the inherited environment, so GoTrue settings such as
 * {@code GOTRUE_MAILER_AUTOCONFIRM=true} pass through, points the services at the suite's database, broker and SMTP
 * server, and fills in local-development defaults only where nothing was set.
 */
public final class ServiceEnvironment {

    /** Signs and verifies access tokens in local runs only; any real deployment sets its own. */
    public static final String LOCAL_DEVELOPMENT_JWT_SECRET = "local-development-secret-do-not-use-in-production";
    /**
     * The operator token of local runs only: admin calls with it, and OAuth state signed with it. It grants nothing
     * the default JWT secret does not already let anyone mint.
     */
    public static final String LOCAL_DEVELOPMENT_OPERATOR_TOKEN = "local-development-operator-token";
    public static final String DEFAULT_ADMIN_EMAIL = "noreply@localhost";

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

    public static Map<String, String> compose(Map<String, String> inherited, Infrastructure infra,
            Map<SuiteService, Integer> ports) {
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
        env.putIfAbsent("GOTRUE_JWT_SECRET", LOCAL_DEVELOPMENT_JWT_SECRET);
        env.putIfAbsent("GOTRUE_OPERATOR_TOKEN", LOCAL_DEVELOPMENT_OPERATOR_TOKEN);
        env.putIfAbsent("GOTRUE_SITE_URL", infra.siteUrl());
        env.putIfAbsent("GOTRUE_SMTP_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL);
        ports.forEach((service, port) -> env.putIfAbsent(service.urlVariable(), "http://127.0.0.1:" + port));
        return env;
    }

    /** The environment of one service: the shared one plus its own HTTP port, bound to loopback only. */
    public static Map<String, String> forService(Map<String, String> shared, int port) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        return env;
    }
}
