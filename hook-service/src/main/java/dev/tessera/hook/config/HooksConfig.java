package dev.tessera.hook.config;

import java.time.Duration;
import java.util.UUID;

import dev.tessera.platform.config.GoDurationConverter;
import dev.tessera.platform.retry.RetryConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/** How hook-service calls hook targets (Tessera's own settings; GoTrue has none of these). Durations: Go syntax. */
@ConfigMapping(prefix = "tessera.hooks")
public interface HooksConfig {

    /**
     * Which signature headers a hook request carries: {@code gotrue} (GoTrue's {@code x-webhook-signature} JWT),
     * {@code standard-webhooks} ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}) or
     * {@code both}.
     */
    @WithDefault("gotrue")
    Signature signature();

    /**
     * Lets hook targets and the function host sit on loopback, private (RFC 1918, unique-local), link-local or
     * other non-public addresses. Off by default, as in GoTrue; local runs and tests turn it on, and so must a
     * deployment whose function host is a cluster-internal service.
     */
    @WithName("allow-private-targets")
    @WithDefault("false")
    boolean allowPrivateTargets();

    /** GoTrue's {@code instance_id} in every payload; single-instance mode uses the nil UUID. */
    @WithName("instance-id")
    @WithDefault("00000000-0000-0000-0000-000000000000")
    String instanceId();

    CircuitBreaker circuitBreaker();

    Background background();

    enum Signature {
        GOTRUE, STANDARD_WEBHOOKS, BOTH;

        public boolean gotrue() {
            return this != STANDARD_WEBHOOKS;
        }

        public boolean standardWebhooks() {
            return this != GOTRUE;
        }
    }

    /**
     * One breaker per target URL, fed by attempts that time out or cannot connect (an answer, whatever its status,
     * is the function's decision and never trips it). While open, calls fail at once with 503.
     */
    interface CircuitBreaker {
        @WithDefault("true")
        boolean enabled();

        /** Attempts in the rolling window the failure ratio is computed over. */
        @WithName("request-volume")
        @WithDefault("6")
        int requestVolume();

        /** Share of failed attempts in the window that opens the breaker. */
        @WithName("failure-ratio")
        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before one trial call is let through. */
        @WithDefault("30s")
        @WithConverter(GoDurationConverter.class)
        Duration delay();
    }

    /** Background functions and the usermodified/userdeleted webhooks, delivered from the event stream. */
    interface Background {
        /** Deliver background hooks at all (the consumer still runs and acknowledges when false). */
        @WithDefault("true")
        boolean enabled();

        /**
         * The retry series of one delivery, under this group's own names ({@code tessera.hooks.background.attempts},
         * {@code .initial-backoff}, {@code .max-backoff}); the defaults (5, 1s, 30s) are in application.properties.
         */
        @WithParentName
        RetryConfig retry();

        /**
         * Where a consumer group with no committed offset starts ({@code latest}: new events only, so a first
         * deployment does not replay the topic's history into the functions; {@code earliest}: everything kept).
         * Read by the Kafka channel ({@code application.properties}).
         */
        @WithName("offset-reset")
        @WithDefault("latest")
        String offsetReset();

        /**
         * How many users' deliveries run at once in one hook-service process; one user's events are still delivered
         * one after another, in the order of the stream. Each running delivery holds at most one connection of the
         * reactive pool (10) at a time and one request to its target, so the default leaves the pool room for the
         * operators' routes.
         */
        @WithDefault("8")
        int concurrency();

        /** How long one background attempt may take. */
        @WithDefault("10s")
        @WithConverter(GoDurationConverter.class)
        Duration timeout();

        /**
         * How long a finished delivery (delivered or dead-lettered) and its attempts stay in the delivery log. The
         * log is what makes a redelivered event a no-op, so this must outlive the event topic's retention (7 days)
         * by a margin.
         */
        @WithDefault("720h")
        @WithConverter(GoDurationConverter.class)
        Duration retention();
    }

    /** The instance id as text, checked to be a UUID. */
    default String instanceIdText() {
        return UUID.fromString(instanceId()).toString();
    }
}
