package dev.tessera.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class GoDurationConverterTest {

    @Test
    void readsGoSyntax() {
        assertEquals(Duration.ofMinutes(15), GoDurationConverter.parse("15m"));
        assertEquals(Duration.ofMinutes(90), GoDurationConverter.parse("1h30m"));
        assertEquals(Duration.ofMillis(500), GoDurationConverter.parse("500ms"));
        assertEquals(Duration.ofMillis(2500), GoDurationConverter.parse("2.5s"));
        assertEquals(Duration.ofHours(168), GoDurationConverter.parse("168h"));
        assertEquals(Duration.ZERO, GoDurationConverter.parse("0"));
        assertEquals(Duration.ofMinutes(15), GoDurationConverter.parse("PT15M"));
    }

    @Test
    void refusesBareNumbersAsGoTrueDoes() {
        assertThrows(IllegalArgumentException.class, () -> GoDurationConverter.parse("900"));
        assertThrows(IllegalArgumentException.class, () -> GoDurationConverter.parse("15 minutes"));
    }
}
