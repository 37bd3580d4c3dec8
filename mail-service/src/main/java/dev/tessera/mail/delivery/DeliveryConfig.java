package dev.tessera.mail.delivery;

import java.time.Duration;

import dev.tessera.platform.config.GoDurationConverter;
import dev.tessera.platform.retry.RetryConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How mail-service delivers (Tessera's own settings; GoTrue has none of these). Durations use Go syntax. */
@ConfigMapping(prefix = "tessera.mail")
public interface DeliveryConfig {

    /**
     * SMTP attempts per mail and the backoff between them ({@code tessera.mail.retry.*}); the defaults (10, 1s, 60s)
     * are in application.properties.
     */
    RetryConfig retry();

    /**
     * How long one SMTP attempt may take before it counts as failed. The reactive mail client has no timeout of its
     * own and never completes when a server drops the connection before its greeting.
     */
    @WithName("smtp-timeout")
    @WithDefault("20s")
    @WithConverter(GoDurationConverter.class)
    Duration smtpTimeout();

    /**
     * How many users' mails are sent at once by one mail-service process; one user's mails still go one after
     * another, in the order of the stream. Each running delivery holds at most one SMTP connection (the mailer's pool
     * has 10) and one connection of the reactive pool (10) at a time. 1 sends one mail at a time.
     */
    @WithDefault("4")
    int concurrency();

    /** How long a ledger row is kept; it must outlive every redelivery of its request (the topic keeps 7 days). */
    @WithName("ledger-retention")
    @WithDefault("720h")
    @WithConverter(GoDurationConverter.class)
    Duration ledgerRetention();
}
