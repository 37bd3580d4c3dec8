package dev.tessera.platform.tracing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Whether a service exports its spans, decided by one setting: the collector's address. With an OTLP endpoint
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, OpenTelemetry's own name, or Quarkus' {@code QUARKUS_OTEL_EXPORTER_OTLP_*})
 * spans are sampled at {@code OTEL_TRACES_SAMPLER_ARG} (default 1: every trace) and exported. Without one the sampling
 * ratio is 0: spans are created but not recorded, so the trace context still travels (through HTTP calls, outbox rows
 * and Kafka records, and into the logs as trace and span ids) while nothing is exported, no exporter retries a
 * collector that is not there, and the instrumentation costs little. The sampler is parent-based, so the service
 * that starts a trace decides for all of it.
 *
 * <p>Its ordinal sits below the environment (300), so {@code QUARKUS_OTEL_*} variables still win, and above
 * application.properties (250).
 */
public class TracingConfigSource extends MapBackedConfigSource {

    static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    static final String SAMPLE_RATIO = "OTEL_TRACES_SAMPLER_ARG";
    /** Where Quarkus itself may already have been given an endpoint, as system properties or environment variables. */
    private static final String[] QUARKUS_ENDPOINTS = { "quarkus.otel.exporter.otlp.traces.endpoint",
            "quarkus.otel.exporter.otlp.endpoint" };

    static final String TRACES_ENDPOINT_PROPERTY = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String PROTOCOL_PROPERTY = "quarkus.otel.exporter.otlp.traces.protocol";
    static final String SAMPLE_RATIO_PROPERTY = "quarkus.otel.traces.sampler.arg";

    public TracingConfigSource() {
        super("Tessera tracing (OTEL_EXPORTER_OTLP_ENDPOINT)", derive(TracingConfigSource::lookup), 275);
    }

    private static String lookup(String name) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The Quarkus properties that follow from the settings {@code lookup} finds (null: not set). */
    static Map<String, String> derive(UnaryOperator<String> lookup) {
        Map<String, String> derived = new HashMap<>();
        String endpoint = lookup.apply(ENDPOINT);
        boolean quarkusEndpoint = false;
        for (String property : QUARKUS_ENDPOINTS) {
            quarkusEndpoint |= lookup.apply(property) != null || lookup.apply(environmentName(property)) != null;
        }
        if (endpoint == null && !quarkusEndpoint) {
            derived.put(SAMPLE_RATIO_PROPERTY, "0");
            return derived;
        }
        if (endpoint != null) {
            derived.put(TRACES_ENDPOINT_PROPERTY, endpoint);
        }
        String protocol = lookup.apply(PROTOCOL);
        if (protocol != null) {
            derived.put(PROTOCOL_PROPERTY, protocol);
        }
        String ratio = lookup.apply(SAMPLE_RATIO);
        derived.put(SAMPLE_RATIO_PROPERTY, ratio == null ? "1" : ratio);
        return derived;
    }

    private static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
