package dev.tessera.suite.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.tessera.suite.SuiteException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL database of a local run, chosen in this order: {@code DATABASE_URL} when set; else the server on
 * 127.0.0.1:5432 as user postgres (trust auth), with a database {@code tessera} created if missing; else, when
 * nothing answers there, an embedded PostgreSQL with its data under {@code .run/postgres}.
 */
public final class LocalDatabase implements AutoCloseable {

    /** The names GoTrue (and the platform) read the database URL from. */
    public static final String[] URL_VARIABLES = { "DATABASE_URL", "GOTRUE_DB_DATABASE_URL", "GOTRUE_DATABASE_URL" };
    public static final String DATABASE = "tessera";
    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 5432;

    private final String url;
    private final String description;
    private final EmbeddedPostgres embedded;

    private LocalDatabase(String url, String description, EmbeddedPostgres embedded) {
        this.url = url;
        this.description = description;
        this.embedded = embedded;
    }

    /**
     * Finds or starts the database.
     *
     * @param env the launcher's environment
     * @param dataDir where an embedded server keeps its data
     * @param embeddedPort the port an embedded server listens on
     * @param logFile where an embedded server logs
     * @param announce hears the one line that says an embedded server was started
     */
    public static LocalDatabase resolve(Map<String, String> env, Path dataDir, int embeddedPort, Path logFile,
            Consumer<String> announce) {
        Optional<String> configured = configuredUrl(env);
        if (configured.isPresent()) {
            return new LocalDatabase(configured.get(), "from DATABASE_URL", null);
        }
        if (answers(LOCAL_HOST, LOCAL_PORT)) {
            String jdbc = "jdbc:postgresql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/";
            try {
                ensureDatabase(DriverManager.getConnection(jdbc + "postgres", "postgres", ""));
            } catch (SQLException e) {
                throw new SuiteException("PostgreSQL on " + LOCAL_HOST + ":" + LOCAL_PORT
                        + " does not let user postgres in without a password (" + e.getMessage() + "). Set "
                        + "DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/tessera, or allow trust auth for "
                        + "127.0.0.1 in pg_hba.conf.", e);
            }
            return new LocalDatabase("postgres://postgres@" + LOCAL_HOST + ":" + LOCAL_PORT + "/" + DATABASE,
                    "local server", null);
        }
        return startEmbedded(dataDir, embeddedPort, logFile, announce);
    }

    private static Optional<String> configuredUrl(Map<String, String> env) {
        for (String name : URL_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Duration.ofSeconds(1).toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates the {@code tessera} database if missing, then closes the connection. */
    private static void ensureDatabase(Connection connection) throws SQLException {
        try (connection;
                PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("create database " + DATABASE);
            }
        }
    }

    private static LocalDatabase startEmbedded(Path dataDir, int port, Path logFile, Consumer<String> announce) {
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(logFile.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            try {
                ensureDatabase(postgres.getPostgresDatabase().getConnection());
            } catch (SQLException e) {
                postgres.close();
                throw new SuiteException("could not create database " + DATABASE + " in embedded PostgreSQL", e);
            }
            announce.accept("PostgreSQL: nothing answers on " + LOCAL_HOST + ":" + LOCAL_PORT
                    + " and DATABASE_URL is unset, so an embedded PostgreSQL runs on " + LOCAL_HOST + ":" + port
                    + " (data in " + dataDir + ")");
            return new LocalDatabase("postgres://postgres@" + LOCAL_HOST + ":" + port + "/" + DATABASE,
                    "embedded PostgreSQL, data in " + dataDir, postgres);
        } catch (IOException e) {
            throw new SuiteException("could not start an embedded PostgreSQL on port " + port + ": " + e.getMessage(),
                    e);
        }
    }

    /** The postgres:// URL the services get as DATABASE_URL. */
    public String url() {
        return url;
    }

    /** The URL for display: any password masked. */
    public String displayUrl() {
        return url.replaceFirst("(://[^:/@]+:)[^@]*@", "$1****@");
    }

    /** Where it came from: "from DATABASE_URL", "local server" or "embedded PostgreSQL, ...". */
    public String description() {
        return description;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new SuiteException("could not stop the embedded PostgreSQL: " + e.getMessage(), e);
            }
        }
    }
}
