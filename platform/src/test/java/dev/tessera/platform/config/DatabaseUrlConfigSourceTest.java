package dev.tessera.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DatabaseUrlConfigSourceTest {

    @Test
    void gotrueStyleUrlBecomesJdbcReactiveAndCredentials() {
        Map<String, String> p = DatabaseUrlConfigSource.derive("postgres://app:s%40cret@db.internal:6543/identity?sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:6543/identity?sslmode=require", p.get("quarkus.datasource.jdbc.url"));
        assertEquals("postgresql://db.internal:6543/identity?sslmode=require", p.get("quarkus.datasource.reactive.url"));
        assertEquals("app", p.get("quarkus.datasource.username"));
        assertEquals("s@cret", p.get("quarkus.datasource.password"));
    }

    @Test
    void defaultsPortAndDatabaseAndLeavesCredentialsAlone() {
        Map<String, String> p = DatabaseUrlConfigSource.derive("postgresql://localhost");
        assertEquals("jdbc:postgresql://localhost:5432/postgres", p.get("quarkus.datasource.jdbc.url"));
        assertFalse(p.containsKey("quarkus.datasource.username"));
        assertEquals("jdbc:postgresql://h:1/d", DatabaseUrlConfigSource.derive("jdbc:postgresql://h:1/d")
                .get("quarkus.datasource.jdbc.url"));
    }

    @Test
    void otherDatabasesAreRefusedWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> DatabaseUrlConfigSource.derive("mysql://root@db/gotrue"));
        assertEquals("DATABASE_URL must be a postgres:// URL; got scheme mysql", e.getMessage());
    }
}
