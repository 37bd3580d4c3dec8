package dev.tessera.platform.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Says at the start when {@code GOTRUE_LOG_LEVEL} names no level ({@link LogLevelConfigSource}), so an operator who
 * asked for debug logs and got INFO learns why from the log itself.
 */
@ApplicationScoped
public class LogLevelWarning {

    private static final Logger LOG = Logger.getLogger(LogLevelWarning.class);

    void check(@Observes StartupEvent start) {
        LogLevelConfigSource.unknown(LogLevelConfigSource.given()).ifPresent(given -> LOG.warnf(
                "GOTRUE_LOG_LEVEL=%s is not a log level (panic, fatal, error, warn, info, debug or trace); logging at"
                        + " the level Quarkus is given, INFO unless QUARKUS_LOG_LEVEL says otherwise",
                given));
    }
}
