package dev.tessera.platform.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;

/**
 * A real pool of one connection, held, so that every other use of the pool waits out the pool's timeout: the failures
 * the reactive SQL client really produces then (not hand-made look-alikes) must answer 503 in the GoTrue shape.
 */
class PoolSaturationTest {

    private static Vertx vertx;
    private static Pool pool;
    private static SqlConnection held;

    @BeforeAll
    static void saturate() throws Exception {
        vertx = Vertx.vertx();
        PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setUser("postgres")
                .setDatabase("postgres");
        pool = PgPool.pool(vertx, connect, new PoolOptions().setMaxSize(1).setConnectionTimeout(1)
                .setConnectionTimeoutUnit(TimeUnit.SECONDS));
        // On a busy machine the first connection may take longer than the pool's wait; it then joins the pool as
        // idle, and a later request is served with it.
        for (int attempt = 1; held == null; attempt++) {
            try {
                held = pool.getConnection().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException slow) {
                if (attempt == 30) {
                    throw slow;
                }
            }
        }
    }

    @AfterAll
    static void release() {
        if (held != null) {
            held.close();
        }
        pool.close();
        vertx.close();
    }

    @Test
    void everyWayOfWaitingForTheSaturatedPoolAnswers503() throws Exception {
        List<Function<Pool, Future<?>>> uses = List.of(
                p -> p.query("select 1").execute(),
                p -> p.getConnection(),
                p -> p.withTransaction(c -> c.query("select 1").execute()));
        for (Function<Pool, Future<?>> use : uses) {
            Throwable failure = failureOf(use.apply(pool));
            assertTrue(PoolSaturation.is(failure), "recognised: " + failure);

            // Wrapped, as Hibernate Reactive and the CompletionStage bridges hand it on.
            Response answer = new ApiErrorMappers(null).unexpected(new CompletionException(failure));
            assertEquals(503, answer.getStatus(), failure.toString());
            ErrorBody body = (ErrorBody) answer.getEntity();
            assertEquals(503, body.code());
            assertEquals("Service overloaded, try again later", body.msg());
            assertEquals("1", answer.getHeaderString(HttpHeaders.RETRY_AFTER));
        }
    }

    @Test
    void otherTimeoutsAndFailuresAreNotMistakenForIt() {
        assertFalse(PoolSaturation.is(new IllegalStateException("Timeout")));
        assertFalse(PoolSaturation.is(new VertxException("Connection refused", true)));
        assertFalse(PoolSaturation.is(new TimeoutException("Timeout waiting for connection")));
        assertEquals(500, new ApiErrorMappers(null).unexpected(new IllegalStateException("a bug")).getStatus());
    }

    private static Throwable failureOf(Future<?> future) throws InterruptedException {
        try {
            future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the pool never gave up waiting", e);
        }
        throw new AssertionError("the saturated pool served a second user");
    }
}
