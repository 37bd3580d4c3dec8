package dev.tessera.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** GOTRUE_LOG_LEVEL, read as a GoTrue deployment writes it, sets the services' root log level. */
class LogLevelConfigSourceTest {

    @Test
    void logrusNamesBecomeTheLevelsTheyMean() {
        Map<String, String> expected = Map.of("panic", "FATAL", "fatal", "FATAL", "error", "ERROR", "warn", "WARN",
                "warning", "WARN", "info", "INFO", "debug", "DEBUG", "Debug ", "DEBUG", "trace", "DEBUG");
        expected.forEach((given, level) -> assertEquals(level,
                new LogLevelConfigSource(given).getValue("quarkus.log.level"), given));
    }

    @Test
    void unsetOrEmptyLeavesTheDefault() {
        assertNull(new LogLevelConfigSource(null).getValue("quarkus.log.level"));
        assertNull(new LogLevelConfigSource("").getValue("quarkus.log.level"));
        assertEquals(Optional.empty(), LogLevelConfigSource.unknown(null));
        assertEquals(Optional.empty(), LogLevelConfigSource.unknown(" "));
    }

    @Test
    void anUnknownNameSetsNothingAndIsReported() {
        for (String bad : new String[] {"verbose", "ALL", "5", "warn,info"}) {
            assertNull(new LogLevelConfigSource(bad).getValue("quarkus.log.level"), bad);
            assertEquals(Optional.of(bad), LogLevelConfigSource.unknown(bad));
        }
        assertEquals(Optional.empty(), LogLevelConfigSource.unknown("WARNING"));
    }

    @Test
    void quarkusOwnSettingWins() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new LogLevelConfigSource("debug"))
                .withSources(new EnvConfigSource(Map.of("QUARKUS_LOG_LEVEL", "ERROR"), 300))
                .build();
        assertEquals("ERROR", config.getRawValue("quarkus.log.level"));
        SmallRyeConfig alone = new SmallRyeConfigBuilder().withSources(new LogLevelConfigSource("warn")).build();
        assertEquals("WARN", alone.getRawValue("quarkus.log.level"));
    }
}
