package dev.tessera.suite.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * A collector for the end-to-end tests: an OTLP/HTTP receiver ({@code POST /v1/traces}, protobuf) on a free loopback
 * port that keeps every span the services export. It reads just the fields the tests look at (the service name from
 * the resource; trace, span and parent ids, name, kind and string or integer attributes of each span) with a small
 * protobuf wire-format reader, so the tests need no OpenTelemetry or protobuf library.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One exported span. Ids in lower-case hex; the parent is empty for a root span. */
    record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
            Map<String, String> attributes) {

        static final int SERVER = 2;
        static final int CLIENT = 3;
        static final int PRODUCER = 4;
        static final int CONSUMER = 5;

        @Override
        public String toString() {
            return service + " " + name + " (kind " + kind + ") " + traceId + "/" + spanId + " <- " + parentSpanId
                    + " " + attributes;
        }
    }

    private final HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpReceiver(Vertx vertx) throws Exception {
        this.server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            if (body.succeeded() && request.path().endsWith("/v1/traces")) {
                spans.addAll(ExportRequest.read(body.result()));
                // An empty ExportTraceServiceResponse: everything was accepted.
                request.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer());
            } else {
                request.response().setStatusCode(404).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static OtlpReceiver start(Vertx vertx) throws Exception {
        return new OtlpReceiver(vertx);
    }

    /** The base URL to give the services as {@code OTEL_EXPORTER_OTLP_ENDPOINT} (protocol {@code http/protobuf}). */
    String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    List<ExportedSpan> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** ExportTraceServiceRequest → ResourceSpans → (Resource, ScopeSpans → Span), as opentelemetry-proto numbers them. */
    private static final class ExportRequest {

        static List<ExportedSpan> read(Buffer body) {
            List<ExportedSpan> read = new ArrayList<>();
            for (Field resourceSpans : Wire.fields(body.getBytes())) {
                if (resourceSpans.number() != 1) {
                    continue;
                }
                String service = "";
                List<byte[]> scopeSpans = new ArrayList<>();
                for (Field field : Wire.fields(resourceSpans.bytes())) {
                    if (field.number() == 1) {
                        service = attributes(field.bytes(), 1).getOrDefault("service.name", "");
                    } else if (field.number() == 2) {
                        scopeSpans.add(field.bytes());
                    }
                }
                for (byte[] scope : scopeSpans) {
                    for (Field span : Wire.fields(scope)) {
                        if (span.number() == 2) {
                            read.add(span(service, span.bytes()));
                        }
                    }
                }
            }
            return read;
        }

        private static ExportedSpan span(String service, byte[] span) {
            String traceId = "";
            String spanId = "";
            String parent = "";
            String name = "";
            int kind = 0;
            for (Field field : Wire.fields(span)) {
                switch (field.number()) {
                    case 1 -> traceId = HexFormat.of().formatHex(field.bytes());
                    case 2 -> spanId = HexFormat.of().formatHex(field.bytes());
                    case 4 -> parent = HexFormat.of().formatHex(field.bytes());
                    case 5 -> name = field.text();
                    case 6 -> kind = (int) field.varint();
                    default -> {
                    }
                }
            }
            return new ExportedSpan(service, traceId, spanId, parent, name, kind, attributes(span, 9));
        }

        /** The KeyValue fields numbered {@code number}, with string, bool or integer values. */
        private static Map<String, String> attributes(byte[] message, int number) {
            Map<String, String> attributes = new HashMap<>();
            for (Field field : Wire.fields(message)) {
                if (field.number() != number) {
                    continue;
                }
                String key = null;
                String value = null;
                for (Field keyValue : Wire.fields(field.bytes())) {
                    if (keyValue.number() == 1) {
                        key = keyValue.text();
                    } else if (keyValue.number() == 2) {
                        for (Field any : Wire.fields(keyValue.bytes())) {
                            value = switch (any.number()) {
                                case 1 -> any.text();
                                case 2 -> String.valueOf(any.varint() != 0);
                                case 3 -> String.valueOf(any.varint());
                                default -> value;
                            };
                        }
                    }
                }
                if (key != null && value != null) {
                    attributes.put(key, value);
                }
            }
            return attributes;
        }
    }

    /** One field of a protobuf message: its number and either a varint or the bytes of a length-delimited value. */
    private record Field(int number, long varint, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The protobuf wire format, enough to walk a message's fields (fixed-width ones are skipped). */
    private static final class Wire {

        static List<Field> fields(byte[] message) {
            List<Field> fields = new ArrayList<>();
            int[] at = { 0 };
            while (at[0] < message.length) {
                long tag = varint(message, at);
                int number = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> fields.add(new Field(number, varint(message, at), new byte[0]));
                    case 1 -> at[0] += 8;
                    case 2 -> {
                        int length = (int) varint(message, at);
                        byte[] bytes = new byte[length];
                        System.arraycopy(message, at[0], bytes, 0, length);
                        at[0] += length;
                        fields.add(new Field(number, 0, bytes));
                    }
                    case 5 -> at[0] += 4;
                    default -> throw new IllegalArgumentException("unsupported wire type in field " + number);
                }
            }
            return fields;
        }

        private static long varint(byte[] message, int[] at) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = message[at[0]++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }
    }
}
