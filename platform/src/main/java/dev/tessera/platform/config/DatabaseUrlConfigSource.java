package dev.tessera.platform.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Accepts GoTrue's {@code DATABASE_URL} (or {@code GOTRUE_DB_DATABASE_URL}), a URL such as
 * {@code postgres://user:secret@db:5432/identity?sslmode=require}, and derives the JDBC URL Flyway needs, the URL
 * the reactive client needs and the credentials. Its ordinal sits below the environment (300), so explicit
 * {@code QUARKUS_DATASOURCE_*} variables still win, and above application.properties (250).
 */
public class DatabaseUrlConfigSource implements ConfigSource {

    static final String[] NAMES = { "DATABASE_URL", "GOTRUE_DB_DATABASE_URL", "GOTRUE_DATABASE_URL" };

    private final Map<String, String> properties;

    public DatabaseUrlConfigSource() {
        this(lookup());
    }

    DatabaseUrlConfigSource(String databaseUrl) {
        this.properties = databaseUrl == null ? Map.of() : derive(databaseUrl);
    }

    private static String lookup() {
        for (String name : NAMES) {
            String value = System.getProperty(name, System.getenv(name));
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    static Map<String, String> derive(String databaseUrl) {
        String text = databaseUrl.startsWith("jdbc:") ? databaseUrl.substring(5) : databaseUrl;
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL", e);
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new IllegalArgumentException("DATABASE_URL must be a postgres:// URL; got scheme " + scheme);
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String location = host + ":" + port + "/" + database + query;

        Map<String, String> derived = new HashMap<>();
        derived.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + location);
        derived.put("quarkus.datasource.reactive.url", "postgresql://" + location);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            derived.put("quarkus.datasource.username", decode(user));
            if (colon >= 0) {
                derived.put("quarkus.datasource.password", decode(userInfo.substring(colon + 1)));
            }
        }
        return Collections.unmodifiableMap(derived);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "GoTrue DATABASE_URL";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
