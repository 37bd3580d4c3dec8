package dev.tessera.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.error.ApiError;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;

class InternalErrorsTest {

    @Test
    void aCallWithoutAnAnswerIsA503NamingTheService() {
        Uni<String> refused = Uni.createFrom().failure(new ProcessingException(new ConnectException("refused")));
        ApiError error = assertThrows(ApiError.class,
                () -> InternalErrors.unreachable("User service", refused).await().indefinitely());
        assertEquals(503, error.status());
        assertEquals("User service unavailable, try again later", error.getMessage());
    }

    @Test
    void aRefusedOrDroppedConnectionHandedOverBareIsA503() {
        for (Throwable bare : new Throwable[] { new ConnectException("Connection refused"),
                new SocketException("Connection reset"), new HttpClosedException("Connection was closed") }) {
            ApiError error = assertThrows(ApiError.class, () -> InternalErrors
                    .unreachable("Hook service", Uni.createFrom().<String>failure(bare)).await().indefinitely());
            assertEquals(503, error.status(), bare.toString());
            assertEquals("Hook service unavailable, try again later", error.getMessage());
        }
    }

    @Test
    void aCallThatTimedOutIsA504() {
        for (Throwable timeout : new Throwable[] { new TimeoutException("idle"),
                new ProcessingException(new TimeoutException("read timeout")) }) {
            ApiError error = assertThrows(ApiError.class, () -> InternalErrors
                    .unreachable("User service", Uni.createFrom().<String>failure(timeout)).await().indefinitely());
            assertEquals(504, error.status(), timeout.toString());
            assertEquals("User service did not finish in time", error.getMessage());
        }
    }

    @Test
    void anAnswerOrAnyOtherFailureIsLeftAsItIs() {
        IllegalStateException bug = new IllegalStateException("a bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> InternalErrors
                .unreachable("User service", Uni.createFrom().<String>failure(bug)).await().indefinitely()));
        ApiError notFound = ApiError.notFound("User not found");
        ApiError relayed = assertThrows(ApiError.class, () -> InternalErrors
                .unreachable("User service", Uni.createFrom().<String>failure(notFound)).await().indefinitely());
        assertSame(notFound, relayed);
        assertEquals("ok", InternalErrors.unreachable("Hook service", Uni.createFrom().item("ok"))
                .await().indefinitely());
    }
}
