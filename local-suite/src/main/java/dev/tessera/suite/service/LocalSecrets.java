package dev.tessera.suite.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.tessera.suite.SuiteException;

/**
 * The JWT secret, the operator token and, with {@code TESSERA_JWT_ALGORITHM=ES256}, the signing key of a local run.
 * A value in the environment ({@code GOTRUE_JWT_SECRET}, {@code GOTRUE_OPERATOR_TOKEN}, {@code GOTRUE_JWT_KEYS})
 * wins; otherwise each is generated once per checkout (48 random bytes, base64url; a P-256 key as a JWK set) and
 * kept in {@code .run/secrets/} (directory 0700, files 0600), so later runs, and the tokens they issued, go on
 * working. No two checkouts share a secret, and none is published.
 *
 * @param jwtSecret the HS256 key: the access tokens' unless {@code jwtKeys} is set, and the hook signatures'
 * @param operatorToken the admin bearer
 * @param jwtKeys {@code GOTRUE_JWT_KEYS} for the services, or null for GoTrue's HS256 with the secret
 */
public record LocalSecrets(Value jwtSecret, Value operatorToken, Value jwtKeys) {

    public static final String JWT_SECRET_FILE = "jwt-secret";
    public static final String OPERATOR_TOKEN_FILE = "operator-token";
    public static final String JWT_KEYS_FILE = "jwt-keys.json";
    /** {@code HS256} (the default, GoTrue's) or {@code ES256}, which signs with a key generated once per checkout. */
    public static final String ALGORITHM_VARIABLE = "TESSERA_JWT_ALGORITHM";
    /** What the services demand outside a local run (RFC 7518 §3.2); a shorter one is only warned about here. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    /**
     * One secret and where it came from.
     *
     * @param file the file it is kept in, or null when the environment (or a test) gave it
     */
    public record Value(String value, Path file) {

        public boolean generated() {
            return file != null;
        }
    }

    /** Secrets given outright, as the end-to-end tests do. */
    public static LocalSecrets given(String jwtSecret, String operatorToken) {
        return new LocalSecrets(new Value(jwtSecret, null), new Value(operatorToken, null), null);
    }

    /** The environment's values, else the ones kept under {@code secretsDir}, created on first use. */
    public static LocalSecrets resolve(Map<String, String> env, Path secretsDir) {
        return new LocalSecrets(resolve(env, "GOTRUE_JWT_SECRET", secretsDir.resolve(JWT_SECRET_FILE),
                LocalSecrets::randomToken),
                resolve(env, "GOTRUE_OPERATOR_TOKEN", secretsDir.resolve(OPERATOR_TOKEN_FILE),
                        LocalSecrets::randomToken),
                jwtKeys(env, secretsDir));
    }

    private static Value jwtKeys(Map<String, String> env, Path secretsDir) {
        String algorithm = env.getOrDefault(ALGORITHM_VARIABLE, "").trim();
        String given = env.get("GOTRUE_JWT_KEYS");
        if (given != null && !given.isBlank()) {
            return new Value(given, null);
        }
        if (algorithm.isEmpty() || algorithm.equalsIgnoreCase("HS256")) {
            return null;
        }
        if (!algorithm.equalsIgnoreCase("ES256")) {
            throw new SuiteException(ALGORITHM_VARIABLE + " is " + algorithm + "; the local run knows HS256 (the "
                    + "default) and ES256, and GOTRUE_JWT_KEYS takes any other key");
        }
        return resolve(env, "GOTRUE_JWT_KEYS", secretsDir.resolve(JWT_KEYS_FILE), LocalSigningKey::generate);
    }

    private static String randomToken() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Value resolve(Map<String, String> env, String variable, Path file, Supplier<String> generator) {
        String set = env.get(variable);
        if (set != null && !set.isBlank()) {
            return new Value(set, null);
        }
        try {
            return new Value(readOrCreate(file, generator), file);
        } catch (IOException e) {
            throw new SuiteException("cannot keep the local " + variable + " in " + file + ": " + e.getMessage()
                    + " (or set " + variable + ")", e);
        }
    }

    private static String readOrCreate(Path file, Supplier<String> generator) throws IOException {
        Path dir = file.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY) } : new FileAttribute<?>[0]);
        }
        if (posix) {
            // Also tightens a directory or file an older run, or a copy, left readable by others.
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
        }
        if (Files.exists(file)) {
            String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!kept.isEmpty()) {
                if (posix) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                }
                return kept;
            }
            Files.delete(file);
        }
        String fresh = generator.get();
        // Written owner-only from the first byte, then moved into place; a concurrent start keeps whichever came first.
        Path temporary = posix ? Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, fresh + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, file);
            return fresh;
        } catch (FileAlreadyExistsException raced) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
