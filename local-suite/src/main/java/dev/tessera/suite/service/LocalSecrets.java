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

import dev.tessera.suite.SuiteException;

/**
 * The JWT secret and the operator token of a local run. A value in the environment ({@code GOTRUE_JWT_SECRET},
 * {@code GOTRUE_OPERATOR_TOKEN}) wins; otherwise each is generated once per checkout (48 random bytes, base64url)
 * and kept in {@code .run/secrets/} (directory 0700, files 0600), so later runs, and the tokens they issued, go on
 * working. No two checkouts share a secret, and none is published.
 *
 * @param jwtSecret the HS256 key the services sign and verify with
 * @param operatorToken the admin bearer
 */
public record LocalSecrets(Value jwtSecret, Value operatorToken) {

    public static final String JWT_SECRET_FILE = "jwt-secret";
    public static final String OPERATOR_TOKEN_FILE = "operator-token";
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
        return new LocalSecrets(new Value(jwtSecret, null), new Value(operatorToken, null));
    }

    /** The environment's values, else the ones kept under {@code secretsDir}, created on first use. */
    public static LocalSecrets resolve(Map<String, String> env, Path secretsDir) {
        return new LocalSecrets(resolve(env, "GOTRUE_JWT_SECRET", secretsDir.resolve(JWT_SECRET_FILE)),
                resolve(env, "GOTRUE_OPERATOR_TOKEN", secretsDir.resolve(OPERATOR_TOKEN_FILE)));
    }

    private static Value resolve(Map<String, String> env, String variable, Path file) {
        String set = env.get(variable);
        if (set != null && !set.isBlank()) {
            return new Value(set, null);
        }
        try {
            return new Value(readOrCreate(file), file);
        } catch (IOException e) {
            throw new SuiteException("cannot keep the local " + variable + " in " + file + ": " + e.getMessage()
                    + " (or set " + variable + ")", e);
        }
    }

    private static String readOrCreate(Path file) throws IOException {
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
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
