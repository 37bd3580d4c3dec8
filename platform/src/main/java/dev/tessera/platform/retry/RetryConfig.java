package dev.tessera.platform.retry;

import java.time.Duration;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithName;

/**
 * A retry series as a config group ({@code attempts}, {@code initial-backoff}, {@code max-backoff}; durations in Go
 * syntax), embedded by every service that retries with {@link Backoff}. It has no defaults: what is retried differs
 * (an SMTP server, a function), so each service states its own in its {@code application.properties}.
 */
public interface RetryConfig {

    /** Attempts per delivery, the first included; after the last, what is delivered goes to its dead-letter topic. */
    int attempts();

    /** Wait before the second attempt; each further wait doubles, up to {@link #maxBackoff()}. */
    @WithName("initial-backoff")
    @WithConverter(GoDurationConverter.class)
    Duration initialBackoff();

    @WithName("max-backoff")
    @WithConverter(GoDurationConverter.class)
    Duration maxBackoff();
}
