package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A config mapping as a deployment reads it, without booting Quarkus: the service's own
 * {@code application.properties} (its defaults; no profile applies, so {@code %test.} lines count for nothing) under
 * the given environment variables, which win as they do in production. Shows that an operator's variable names and
 * the documented defaults reach a mapping.
 */
public final class DeployedSettings {

    private DeployedSettings() {
    }

    public static <T> T read(Class<T> mapping, Map<String, String> environment) {
        SmallRyeConfig config = deployed(environment)
                .withMapping(mapping)
                .withValidateUnknown(false)
                .build();
        return config.getConfigMapping(mapping);
    }

    /**
     * One property as the deployment reads it, expressions expanded, through the service's own
     * {@code interceptors} (those it registers with the ServiceLoader).
     */
    public static <V> V value(String name, Class<V> type, Map<String, String> environment,
            ConfigSourceInterceptor... interceptors) {
        return deployed(environment).addDefaultInterceptors().withInterceptors(interceptors).build()
                .getValue(name, type);
    }

    private static SmallRyeConfigBuilder deployed(Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(applicationProperties(), "application.properties", 250))
                .withSources(new EnvConfigSource(environment, 300));
    }

    private static Map<String, String> applicationProperties() {
        Properties file = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("no application.properties on the class path");
            }
            file.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        file.stringPropertyNames().forEach(name -> values.put(name, file.getProperty(name)));
        return values;
    }
}
