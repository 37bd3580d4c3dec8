package dev.tessera.platform.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.error.ApiError;

/** GOTRUE_EXTERNAL_EMAIL_DISABLED: the guard of signup, recover and /token. */
class EmailProviderTest {

    @Test
    void turnedOffItAnswersGoTruesBadRequest() {
        GoTrueConfig.External.Email disabled = () -> Optional.of(true);
        ApiError error = assertThrows(ApiError.class, disabled::requireEnabled);
        assertEquals(400, error.status());
        assertEquals("Unsupported email provider", error.getMessage());
    }

    @Test
    void onItLetsTheRequestThrough() {
        GoTrueConfig.External.Email enabled = () -> Optional.of(false);
        assertDoesNotThrow(enabled::requireEnabled);
    }
}
