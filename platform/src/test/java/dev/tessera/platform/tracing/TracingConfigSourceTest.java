package dev.tessera.platform.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TracingConfigSourceTest {

    @Test
    void withoutACollectorNothingIsSampledSoNothingIsExported() {
        assertEquals(Map.of("quarkus.otel.traces.sampler.arg", "0"), TracingConfigSource.derive(name -> null));
    }

    @Test
    void opentelemetrysOwnVariablesPointAtTheCollectorAndEveryTraceIsSampled() {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        assertEquals(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318",
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.traces.sampler.arg", "1"), TracingConfigSource.derive(env::get));
    }

    @Test
    void aQuarkusEndpointCountsTooAndTheRatioIsTheOperators() {
        Map<String, String> env = Map.of("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4317",
                "OTEL_TRACES_SAMPLER_ARG", "0.05");
        assertEquals(Map.of("quarkus.otel.traces.sampler.arg", "0.05"), TracingConfigSource.derive(env::get));
        assertEquals(Map.of("quarkus.otel.traces.sampler.arg", "1"),
                TracingConfigSource.derive(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://c:4317")::get));
    }
}
