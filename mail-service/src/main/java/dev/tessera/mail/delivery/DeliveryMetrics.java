package dev.tessera.mail.delivery;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.mail.MailKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts handled mail requests by kind and outcome ({@code tessera_mail_requests_total} on /q/metrics). */
@ApplicationScoped
public class DeliveryMetrics {

    /** What became of one delivery of a request. */
    public enum Outcome {
        SENT, SKIPPED, DUPLICATE, DEAD_LETTERED
    }

    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(MailKind kind, Outcome outcome) {
        Counter.builder("tessera.mail.requests")
                .description("Mail requests handled, by kind and outcome")
                .tag("kind", kind == null ? "unknown" : kind.name().toLowerCase(Locale.ROOT))
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }
}
