package dev.tessera.platform.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;

class TraceParentTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void theCurrentSpanIsWrittenAndRestoredAsTheSameContext() {
        SpanContext sampled = SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault());
        String written;
        try (Scope ignored = Span.wrap(sampled).makeCurrent()) {
            written = TraceParent.current();
        }
        assertEquals("00-" + TRACE + "-" + SPAN + "-01", written);

        SpanContext restored = Span.fromContext(TraceParent.restore(written)).getSpanContext();
        assertEquals(TRACE, restored.getTraceId());
        assertEquals(SPAN, restored.getSpanId());
        assertTrue(restored.isSampled());
        assertTrue(restored.isRemote(), "a parent from elsewhere");
    }

    @Test
    void anUnsampledTraceStaysUnsampled() {
        SpanContext unsampled = SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault());
        try (Scope ignored = Span.wrap(unsampled).makeCurrent()) {
            assertEquals("00-" + TRACE + "-" + SPAN + "-00", TraceParent.current());
            assertFalse(Span.fromContext(TraceParent.restore(TraceParent.current())).getSpanContext().isSampled());
        }
    }

    @Test
    void outsideATraceThereIsNothingToWriteOrRestore() {
        assertNull(TraceParent.current());
        assertNull(TraceParent.restore(null));
        assertNull(TraceParent.restore("not-a-traceparent"));
        assertNull(TraceParent.restore("00-" + TRACE + "-0000000000000000-01"), "an invalid span id");
    }
}
