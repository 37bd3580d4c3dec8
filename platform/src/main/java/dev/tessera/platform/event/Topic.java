package dev.tessera.platform.event;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every Kafka topic of the suite, with the partitions and retention it is created with. A deployment-wide prefix
 * ({@code tessera.kafka.topic-prefix}) lets several installations, or several test runs, share one cluster.
 */
public enum Topic {
    /** Public: CloudEvents for other teams, keyed by user id. No secrets. */
    EVENTS("identity.events.v1", 6, Duration.ofDays(7)),
    /** Internal: what mail-service needs to render and send one mail. Tokens are sealed. */
    MAIL("identity.mail.v1", 3, Duration.ofDays(7)),
    /** Internal: mail requests that failed every attempt, kept for an operator to inspect and replay. */
    MAIL_DEAD_LETTER("identity.mail.v1.dlq", 1, Duration.ofDays(30)),
    /**
     * Internal: background hook deliveries (event functions, usermodified/userdeleted webhooks) that failed every
     * attempt: the original CloudEvent, keyed by user id, with headers naming the target and the reason.
     */
    HOOKS_DEAD_LETTER("identity.hooks.v1.dlq", 1, Duration.ofDays(30));

    private final String baseName;
    private final int partitions;
    private final Duration retention;

    Topic(String baseName, int partitions, Duration retention) {
        this.baseName = baseName;
        this.partitions = partitions;
        this.retention = retention;
    }

    public String baseName() {
        return baseName;
    }

    public String name(String prefix) {
        return (prefix == null ? "" : prefix) + baseName;
    }

    public int partitions() {
        return partitions;
    }

    public Duration retention() {
        return retention;
    }

    /** How this topic is created: its partitions and retention, under the prefix. */
    public NewTopic newTopic(String prefix, short replicationFactor) {
        return new NewTopic(name(prefix), partitions, replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis())));
    }
}
