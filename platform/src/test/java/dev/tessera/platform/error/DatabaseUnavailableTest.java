package dev.tessera.platform.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import dev.tessera.platform.testing.ClosedPort;

/**
 * The failures the reactive SQL client really produces when PostgreSQL will not take a connection (nothing listening;
 * a connection limit reached) must answer 503 in the GoTrue shape, without the server's words.
 */
class DatabaseUnavailableTest {

    private static final String ROLE = "tessera_no_connections_" + UUID.randomUUID().toString().replace("-", "");

    private static Vertx vertx;
    private static Pool admin;

    @BeforeAll
    static void roleWithoutConnections() throws Exception {
        vertx = Vertx.vertx();
        admin = PgPool.pool(vertx, options(5432, "postgres"), new PoolOptions().setMaxSize(1));
        await(admin.query("create role " + ROLE + " login connection limit 0").execute());
    }

    @AfterAll
    static void dropRole() throws Exception {
        await(admin.query("drop role if exists " + ROLE).execute());
        admin.close();
        vertx.close();
    }

    @Test
    void aDatabaseThatIsNotThereAnswers503() throws Exception {
        int port = URI.create(ClosedPort.url()).getPort();
        Pool pool = PgPool.pool(vertx, options(port, "postgres"), new PoolOptions().setMaxSize(1));
        try {
            assertAnswers503(failureOf(pool.query("select 1").execute()));
        } finally {
            pool.close();
        }
    }

    @Test
    void aDatabaseAtItsConnectionLimitAnswers503() throws Exception {
        Pool pool = PgPool.pool(vertx, options(5432, ROLE), new PoolOptions().setMaxSize(1));
        try {
            Throwable failure = failureOf(pool.withTransaction(c -> c.query("select 1").execute()));
            assertTrue(failure instanceof PgException pg && "53300".equals(pg.getSqlState()), failure.toString());
            assertAnswers503(failure);
        } finally {
            pool.close();
        }
    }

    @Test
    void otherDatabaseErrorsStay500() {
        PgException syntax = new PgException("syntax error", "ERROR", "42601", null);
        assertFalse(DatabaseUnavailable.is(syntax));
        assertEquals(500, new ApiErrorMappers(null).unexpected(syntax).getStatus());
    }

    private static void assertAnswers503(Throwable failure) {
        assertTrue(DatabaseUnavailable.is(failure), "recognised: " + failure);
        // Wrapped, as Hibernate Reactive and the CompletionStage bridges hand it on.
        Response answer = new ApiErrorMappers(null).unexpected(new CompletionException(failure));
        assertEquals(503, answer.getStatus(), failure.toString());
        ErrorBody body = (ErrorBody) answer.getEntity();
        assertEquals(503, body.code());
        assertEquals("Service unavailable, try again later", body.msg());
        assertEquals("1", answer.getHeaderString(HttpHeaders.RETRY_AFTER));
    }

    private static PgConnectOptions options(int port, String user) {
        return new PgConnectOptions().setHost("127.0.0.1").setPort(port).setUser(user).setDatabase("postgres");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        try {
            await(future);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the database took the connection");
    }
}
