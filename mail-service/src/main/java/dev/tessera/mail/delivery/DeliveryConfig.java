package dev.tessera.mail.delivery;

import java.time.Duration;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How mail-service delivers (Tessera's own settings; GoTrue has none of these). Durations use Go syntax. */
@ConfigMapping(prefix = "tessera.mail")
public interface DeliveryConfig {

    Retry retry();

    /**
     * How long one SMTP attempt may take before it counts as failed. The reactive mail client has no timeout of its
     * own and never completes when a server drops the connection before its greeting.
     */
    @WithName("smtp-timeout")
    @WithDefault("20s")
    @WithConverter(GoDurationConverter.class)
    Duration smtpTimeout();

    /** How long a ledger row is kept; it must outlive every redelivery of its request (the topic keeps 7 days). */
    @WithName("ledger-retention")
    @WithDefault("720h")
    @WithConverter(GoDurationConverter.class)
    Duration ledgerRetention();

    interface Retry {
        /** Attempts per delivery, the first included; after the last the request is dead-lettered. */
        @WithDefault("4")
        int attempts();

        /** Wait before the second attempt; each further wait doubles, up to {@link #maxBackoff()}. */
        @WithName("initial-backoff")
        @WithDefault("1s")
        @WithConverter(GoDurationConverter.class)
        Duration initialBackoff();

        @WithName("max-backoff")
        @WithDefault("8s")
        @WithConverter(GoDurationConverter.class)
        Duration maxBackoff();
    }
}
