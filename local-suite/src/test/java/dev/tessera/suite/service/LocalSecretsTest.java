package dev.tessera.suite.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local run's secrets: generated once per checkout, owner-only, kept for later runs; the environment wins. */
class LocalSecretsTest {

    @TempDir
    Path runDir;

    @Test
    void aFirstRunGeneratesOwnerOnlySecretsThatLaterRunsReuse() throws Exception {
        Path dir = runDir.resolve("secrets");
        LocalSecrets first = LocalSecrets.resolve(Map.of(), dir);
        assertTrue(first.jwtSecret().generated());
        assertEquals(dir.resolve("jwt-secret"), first.jwtSecret().file());
        assertEquals(dir.resolve("operator-token"), first.operatorToken().file());
        assertTrue(first.jwtSecret().value().matches("[A-Za-z0-9_-]{64}"), first.jwtSecret().value());
        assertTrue(first.operatorToken().value().matches("[A-Za-z0-9_-]{64}"));
        assertNotEquals(first.jwtSecret().value(), first.operatorToken().value());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                first.jwtSecret().file())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                first.operatorToken().file())));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }

        LocalSecrets second = LocalSecrets.resolve(Map.of(), dir);
        assertEquals(first, second, "the same secrets on every later run");

        LocalSecrets otherCheckout = LocalSecrets.resolve(Map.of(), runDir.resolve("elsewhere"));
        assertNotEquals(first.jwtSecret().value(), otherCheckout.jwtSecret().value(), "none is shared");
    }

    @Test
    void aLooseFileIsTightenedAndAnEmptyOneReplaced() throws Exception {
        Path dir = runDir.resolve("secrets");
        LocalSecrets first = LocalSecrets.resolve(Map.of(), dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(first.jwtSecret().file(), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(first.operatorToken().file(), "\n");

        LocalSecrets again = LocalSecrets.resolve(Map.of(), dir);
        assertEquals(first.jwtSecret(), again.jwtSecret());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                again.jwtSecret().file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertTrue(again.operatorToken().value().matches("[A-Za-z0-9_-]{64}"));
        assertEquals(again.operatorToken().value(), Files.readString(again.operatorToken().file()).trim());
    }

    @Test
    void theEnvironmentWinsAndNothingIsWrittenForIt() {
        Path dir = runDir.resolve("secrets");
        LocalSecrets secrets = LocalSecrets.resolve(Map.of("GOTRUE_JWT_SECRET", "something-short",
                "GOTRUE_OPERATOR_TOKEN", " "), dir);
        assertEquals("something-short", secrets.jwtSecret().value());
        assertNull(secrets.jwtSecret().file());
        assertFalse(Files.exists(dir.resolve("jwt-secret")));
        assertTrue(secrets.operatorToken().generated(), "a blank variable counts as unset");
    }

    @Test
    void theServicesGetTheSecretsAndKnowTheyAreALocalRun() {
        Map<String, String> env = ServiceEnvironment.compose(Map.of("GOTRUE_JWT_SECRET", "ignored-here"),
                new ServiceEnvironment.Infrastructure("postgres://127.0.0.1/db", "127.0.0.1:1", "", null, 0,
                        "http://localhost:8081"), Map.of(), LocalSecrets.given("the-runs-secret", "the-runs-token"));
        assertEquals("the-runs-secret", env.get("GOTRUE_JWT_SECRET"));
        assertEquals("the-runs-token", env.get("GOTRUE_OPERATOR_TOKEN"));
        assertEquals("true", env.get(ServiceEnvironment.LOCAL_RUN));
        assertEquals("http://localhost:*,http://127.0.0.1:*", env.get("GOTRUE_URI_ALLOW_LIST"),
                "a site's dev server on this machine may call the local API");
    }
}
