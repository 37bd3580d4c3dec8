package dev.tessera.platform.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test stack, created on the server the machine runs (127.0.0.1:5432, trust
 * auth) or on {@code TESSERA_TEST_DATABASE_URL}, and dropped afterwards. Tests never share rows with each other,
 * with earlier runs or with a local run of the suite.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String URL_ENV = "TESSERA_TEST_DATABASE_URL";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String name;

    private TestDatabase(String host, int port, String user, String password, String name) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    public static TestDatabase create() {
        String server = System.getenv(URL_ENV);
        if (server == null || server.isBlank()) {
            server = "postgres://postgres@127.0.0.1:5432/postgres";
        }
        URI uri = URI.create(server.replaceFirst("^postgresql:", "postgres:"));
        String userInfo = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo();
        String user = userInfo.contains(":") ? userInfo.substring(0, userInfo.indexOf(':')) : userInfo;
        String password = userInfo.contains(":") ? userInfo.substring(userInfo.indexOf(':') + 1) : "";
        String name = "tessera_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        TestDatabase db = new TestDatabase(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, name);
        try (Connection c = db.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a test database on " + db.host + ":" + db.port, e);
        }
        return db;
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String jdbcUrl() {
        return jdbcUrl(name);
    }

    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + name;
    }

    /** A postgres:// URL in GoTrue's DATABASE_URL form. */
    public String databaseUrl() {
        return "postgres://" + user + (password.isEmpty() ? "" : ":" + password) + "@" + host + ":" + port + "/" + name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String name() {
        return name;
    }

    public Connection connect() throws SQLException {
        return connect(name);
    }

    @Override
    public void close() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            // Leaves a stray database behind; it carries a recognisable name.
        }
    }
}
