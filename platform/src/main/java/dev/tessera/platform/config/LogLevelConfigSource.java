package dev.tessera.platform.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.common.MapBackedConfigSource;

/**
 * GoTrue's {@code GOTRUE_LOG_LEVEL} (logrus's names: {@code panic}, {@code fatal}, {@code error}, {@code warn} or
 * {@code warning}, {@code info}, {@code debug}, {@code trace}) as the root log level of a service, so a GoTrue
 * deployment's setting keeps its meaning. Its ordinal sits below the environment (300), so {@code QUARKUS_LOG_LEVEL}
 * still wins; unset or empty leaves Quarkus's INFO, and so does a name logrus does not know, which
 * {@link LogLevelWarning} reports at the start (GoTrue refuses to start on it; a typo in a log setting should not take
 * the identity service down).
 */
public class LogLevelConfigSource extends MapBackedConfigSource {

    static final String NAME = "GOTRUE_LOG_LEVEL";
    static final String LEVEL = "quarkus.log.level";

    public LogLevelConfigSource() {
        this(given());
    }

    LogLevelConfigSource(String given) {
        super("GoTrue GOTRUE_LOG_LEVEL", level(given).map(level -> Map.of(LEVEL, level)).orElse(Map.of()), 275);
    }

    static String given() {
        return System.getProperty(NAME, System.getenv(NAME));
    }

    /**
     * The JBoss Logging level of a logrus level name. logrus's {@code panic} has no counterpart, so it is
     * {@code FATAL}; {@code trace} logs as {@code DEBUG}, the finest level the services are built with. Empty when
     * nothing or an unknown name is given: passed on, an unknown name would leave INFO without a word (seen with
     * {@code verbose}).
     */
    static Optional<String> level(String given) {
        if (given == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (given.trim().toLowerCase(Locale.ROOT)) {
            case "panic", "fatal" -> "FATAL";
            case "error" -> "ERROR";
            case "warn", "warning" -> "WARN";
            case "info" -> "INFO";
            case "debug", "trace" -> "DEBUG";
            default -> null;
        });
    }

    /** A value that is given but names no logrus level. */
    static Optional<String> unknown(String given) {
        return given == null || given.isBlank() || level(given).isPresent() ? Optional.empty() : Optional.of(given);
    }
}
