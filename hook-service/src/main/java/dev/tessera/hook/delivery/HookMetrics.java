package dev.tessera.hook.delivery;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

/** Counts hook attempts and deliveries per event, target and outcome, for operators (Prometheus at /q/metrics). */
@ApplicationScoped
public class HookMetrics {

    private final MeterRegistry registry;

    public HookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One attempt; outcome is the HTTP status class or the failure kind. */
    public void attempt(String event, String target, String outcome, Duration took) {
        registry.timer("tessera.hooks.attempts", "event", event, "target", target, "outcome", outcome).record(took);
    }

    /** One finished synchronous call or background delivery. */
    public void finished(String mode, String event, String target, String outcome) {
        registry.counter("tessera.hooks.deliveries", "mode", mode, "event", event, "target", target, "outcome",
                outcome).increment();
    }
}
