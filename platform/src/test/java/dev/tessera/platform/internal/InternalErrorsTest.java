package dev.tessera.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.error.ApiError;
import io.smallrye.mutiny.Uni;

class InternalErrorsTest {

    @Test
    void aCallWithoutAnAnswerIsA503NamingTheService() {
        Uni<String> refused = Uni.createFrom().failure(new ProcessingException(new ConnectException("refused")));
        ApiError error = assertThrows(ApiError.class,
                () -> InternalErrors.unavailableAs503("User service", refused).await().indefinitely());
        assertEquals(503, error.status());
        assertEquals("User service unavailable, try again later", error.getMessage());
    }

    @Test
    void anAnswerOrAnyOtherFailureIsLeftAsItIs() {
        ApiError notFound = ApiError.notFound("User not found");
        ApiError relayed = assertThrows(ApiError.class, () -> InternalErrors
                .unavailableAs503("User service", Uni.createFrom().<String>failure(notFound)).await().indefinitely());
        assertSame(notFound, relayed);
        assertEquals("ok", InternalErrors.unavailableAs503("Hook service", Uni.createFrom().item("ok"))
                .await().indefinitely());
    }
}
