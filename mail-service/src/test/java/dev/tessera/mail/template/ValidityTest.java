package dev.tessera.mail.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ValidityTest {

    @Test
    void goTruesDefaultsReadAsItsBuiltInMailsSayThem() {
        assertEquals("7 days", Validity.describe(Duration.ofHours(168)));
        assertEquals("24 hours", Validity.describe(Duration.ofHours(24)));
    }

    @Test
    void otherLifetimesUseTheLargestWholeUnit() {
        assertEquals("2 days", Validity.describe(Duration.ofHours(48)));
        assertEquals("36 hours", Validity.describe(Duration.ofHours(36)));
        assertEquals("1 hour", Validity.describe(Duration.ofHours(1)));
        assertEquals("90 minutes", Validity.describe(Duration.ofMinutes(90)));
        assertEquals("1 minute", Validity.describe(Duration.ofSeconds(5)));
    }
}
