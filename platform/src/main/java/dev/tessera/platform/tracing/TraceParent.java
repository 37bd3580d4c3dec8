package dev.tessera.platform.tracing;

import java.util.List;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The W3C {@code traceparent} of a span, as text that can wait in a database row: an outbox row keeps the one of the
 * request that wrote it, and the relay restores it as the parent of the Kafka record it publishes, so the consumers'
 * work belongs to the trace of that request although the record leaves later, from another context and maybe
 * another replica.
 */
public final class TraceParent {

    /** The header (HTTP and Kafka) and the outbox column. */
    public static final String NAME = "traceparent";

    private static final TextMapGetter<String> ONE_VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(NAME);
        }

        @Override
        public String get(String carrier, String key) {
            return NAME.equals(key) ? carrier : null;
        }
    };

    private TraceParent() {
    }

    /** The current span's {@code traceparent}, or null outside any trace. */
    public static String current() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The context a stored {@code traceparent} names, or null for none or one that is not well-formed. */
    public static Context restore(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, ONE_VALUE);
        return Span.fromContext(context).getSpanContext().isValid() ? context : null;
    }
}
