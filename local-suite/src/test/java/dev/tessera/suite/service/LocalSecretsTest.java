package dev.tessera.suite.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tessera.suite.SuiteException;

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

    @Test
    void es256GeneratesOneSigningKeyOnceAndHandsItToEveryService() throws Exception {
        Path dir = runDir.resolve("secrets");
        assertNull(LocalSecrets.resolve(Map.of(), dir).jwtKeys(), "HS256 with the secret by default");
        assertFalse(Files.exists(dir.resolve(LocalSecrets.JWT_KEYS_FILE)));

        LocalSecrets first = LocalSecrets.resolve(Map.of(LocalSecrets.ALGORITHM_VARIABLE, "ES256"), dir);
        Path file = dir.resolve(LocalSecrets.JWT_KEYS_FILE);
        assertEquals(file, first.jwtKeys().file());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String json = first.jwtKeys().value();
        PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(json.substring(1, json.length() - 1));
        assertEquals("P-256", ((EllipticCurveJsonWebKey) key).getCurveName());
        assertEquals(List.of("sign", "verify"), key.getKeyOps());
        // The coordinates and the private value are encoded right: what the private part signs, the public verifies.
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"x\"}");
        jws.setAlgorithmHeaderValue("ES256");
        jws.setKey(key.getPrivateKey());
        JsonWebSignature check = new JsonWebSignature();
        check.setCompactSerialization(jws.getCompactSerialization());
        check.setKey(key.getPublicKey());
        assertTrue(check.verifySignature());

        assertEquals(json, LocalSecrets.resolve(Map.of(LocalSecrets.ALGORITHM_VARIABLE, "es256"), dir).jwtKeys()
                .value(), "later runs keep the key, and the tokens it signed stay valid");
        LocalSecrets given = LocalSecrets.resolve(Map.of(LocalSecrets.ALGORITHM_VARIABLE, "ES256",
                "GOTRUE_JWT_KEYS", "[the operator's]"), dir);
        assertEquals("[the operator's]", given.jwtKeys().value());
        assertFalse(given.jwtKeys().generated());
        assertThrows(SuiteException.class, () -> LocalSecrets.resolve(Map.of(LocalSecrets.ALGORITHM_VARIABLE,
                "PS512"), dir));

        Map<String, String> env = ServiceEnvironment.compose(Map.of(), new ServiceEnvironment.Infrastructure(
                "postgres://127.0.0.1/db", "127.0.0.1:1", "", null, 0, "http://localhost:8081"),
                Map.of(SuiteService.AUTH, 18182), first);
        assertEquals(json, env.get("GOTRUE_JWT_KEYS"));
        assertEquals("http://127.0.0.1:18182/.well-known/jwks.json", env.get(ServiceEnvironment.KEYS_URL),
                "the verifiers learn keys from auth-service");
    }
}
