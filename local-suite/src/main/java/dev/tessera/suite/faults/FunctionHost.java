package dev.tessera.suite.faults;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tessera.suite.SuiteException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * The function host of a fault run: it takes hook-service's background deliveries
 * ({@code identity-validate-background}, {@code identity-signup-background}, {@code identity-login-background})
 * and counts them by the event id hook-service sends with each ({@code X-Tessera-Event-Id}), so the report can
 * compare them with the events on the topic and name duplicates.
 */
final class FunctionHost implements AutoCloseable {

    /** The functions hook-service is told about (TESSERA_FUNCTIONS_IDENTITY). */
    static final String FUNCTIONS = "identity-validate-background,identity-signup-background,"
            + "identity-login-background";
    private static final String EVENT_ID_HEADER = "X-Tessera-Event-Id";

    private final HttpServer server;
    private final Map<String, Integer> deliveriesByEventId = new ConcurrentHashMap<>();
    /** When each user's validate-background delivery (that of its signup) first arrived, by email. */
    private final Map<String, Instant> signupDeliveredAt = new ConcurrentHashMap<>();

    private FunctionHost(Vertx vertx) {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            if (body.succeeded()) {
                record(request.path(), request.getHeader(EVENT_ID_HEADER), body.result().toString());
            }
            request.response().setStatusCode(204).end();
        }));
    }

    static FunctionHost start(Vertx vertx) {
        FunctionHost host = new FunctionHost(vertx);
        try {
            host.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new SuiteException("cannot start the fault run's function host: " + e.getMessage(), e);
        }
        return host;
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void record(String path, String eventId, String body) {
        if (eventId == null) {
            return;
        }
        deliveriesByEventId.merge(eventId, 1, Integer::sum);
        if (path.endsWith("/identity-validate-background")) {
            try {
                String email = new JsonObject(body).getJsonObject("user").getString("email");
                signupDeliveredAt.putIfAbsent(email.toLowerCase(Locale.ROOT), Instant.now());
            } catch (RuntimeException e) {
                // A body without a user's email is still counted above; only the probe's timing needs the email.
            }
        }
    }

    /** When the background hook of {@code email}'s signup arrived, or null. */
    Instant signupHookAt(String email) {
        return signupDeliveredAt.get(email.toLowerCase(Locale.ROOT));
    }

    /** Deliveries per event id (more than one: a duplicate). */
    Map<String, Integer> deliveriesByEventId() {
        return Map.copyOf(deliveriesByEventId);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
