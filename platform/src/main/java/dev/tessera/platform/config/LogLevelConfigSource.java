package dev.tessera.platform.config;

import java.util.Locale;
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

/**
 * GoTrue's {@code GOTRUE_LOG_LEVEL} (logrus's names: {@code panic}, {@code fatal}, {@code error}, {@code warn} or
 * {@code warning}, {@code info}, {@code debug}, {@code trace}) as the root log level of a service, so a GoTrue
 * deployment's setting keeps its meaning. Its ordinal sits below the environment (300), so {@code QUARKUS_LOG_LEVEL}
 * still wins; unset or empty leaves Quarkus's INFO.
 */
public class LogLevelConfigSource extends MapBackedConfigSource {

    static final String NAME = "GOTRUE_LOG_LEVEL";
    static final String LEVEL = "quarkus.log.level";

    public LogLevelConfigSource() {
        this(System.getProperty(NAME, System.getenv(NAME)));
    }

    LogLevelConfigSource(String given) {
        super("GoTrue GOTRUE_LOG_LEVEL", given == null || given.isBlank() ? Map.of() : Map.of(LEVEL, level(given)),
                275);
    }

    /**
     * The JBoss Logging level of a logrus level name. logrus's {@code panic} has no counterpart, so it is
     * {@code FATAL}; {@code trace} logs as {@code DEBUG}, the finest level the services are built with. Any other
     * text is passed on as given; Quarkus then keeps INFO without a word (seen with {@code verbose}).
     */
    static String level(String given) {
        String name = given.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "panic", "fatal" -> "FATAL";
            case "error" -> "ERROR";
            case "warn", "warning" -> "WARN";
            case "info" -> "INFO";
            case "debug", "trace" -> "DEBUG";
            default -> given.trim();
        };
    }
}
