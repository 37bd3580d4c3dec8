package dev.tessera.platform.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateTest {

    @Test
    void readsCountsPerGoDurationsBareNumbersAndOff() {
        assertEquals(new Rate(30, Duration.ofMinutes(5)), Rate.parse("30/5m", Duration.ofHours(1)));
        assertEquals(new Rate(1000, Duration.ofMinutes(90)), Rate.parse(" 1000 / 1h30m ", Duration.ofHours(1)));
        assertEquals(new Rate(150, Duration.ofMinutes(5)), new RateConverter.PerFiveMinutes().convert("150"));
        assertEquals(new Rate(30, Duration.ofHours(1)), new RateConverter().convert("30"));
        assertTrue(Rate.parse("off", Duration.ofHours(1)).isOff());
        assertTrue(Rate.parse("OFF", Duration.ofHours(1)).isOff());
    }

    @Test
    void refusesWhatIsNoRate() {
        for (String bad : new String[] { "", "0/5m", "-1/5m", "ten/5m", "30/5 minutes", "30/0s", "2000000/1s" }) {
            assertThrows(IllegalArgumentException.class, () -> Rate.parse(bad, Duration.ofHours(1)), bad);
        }
    }

    @Test
    void oneRequestUsesItsShareOfThePeriod() {
        assertEquals(10_000_000, Rate.parse("30/5m", Duration.ofHours(1)).intervalMicros());
        assertEquals(36_000, Rate.parse("100000/1h", Duration.ofHours(1)).intervalMicros());
    }
}
