package dev.tessera.user.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.error.ApiError;
import dev.tessera.user.model.MetadataPolicy;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Bcrypt hashing and checking, off the event loop. Bcrypt is pure CPU work, so it runs on a pool with one thread per
 * core and a bounded queue; when the queue is full the request is refused (503) instead of piling up. Results are
 * handed back on the caller's Vert.x context so the reactive session can continue there.
 *
 * <p>Made at startup: its constructor seeds a {@link SecureRandom} and computes a bcrypt hash, and as a lazy bean it
 * ran on the event loop of the first signup or login, blocking both event loops for seconds on a loaded machine (the
 * other one waits for the bean's lock), as the fault suite's first signups showed.
 *
 * <p>Passwords are hashed in Unicode normalisation form C (RFC 8265's OpaqueString; NIST SP 800-63B asks for a
 * normalisation): {@code é} typed as one code point or as {@code e} and a combining accent, as keyboards and systems
 * differ, is one password. A hash made before, of the password as typed, still matches that password as typed.
 */
@Startup
@ApplicationScoped
public class PasswordHasher {

    /** Bcrypt reads at most 72 bytes; longer passwords are refused instead of silently truncated. */
    public static final int MAX_PASSWORD_BYTES = 72;

    /** Why a password with a NUL is refused; see {@link #hash}. */
    public static final String NUL_REFUSED = "Password must not contain the NUL character";

    private final int cost;
    private final ThreadPoolExecutor pool;
    private final String dummyHash;

    public PasswordHasher(@ConfigProperty(name = "tessera.password.bcrypt-cost", defaultValue = "10") int cost,
            @ConfigProperty(name = "tessera.password.queue-size", defaultValue = "2000") int queueSize) {
        this.cost = cost;
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueSize),
                r -> {
                    Thread t = new Thread(r, "bcrypt-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Compared against when a user has no password or does not exist, so those paths cost as much as a miss.
        this.dummyHash = hashNow(new SecureRandom().ints(24, 33, 127)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    /** Whether the password, as it is hashed, is over bcrypt's 72 bytes. */
    public static boolean tooLong(String password) {
        return overBcryptsLimit(normalized(password));
    }

    private static boolean overBcryptsLimit(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES;
    }

    /** The password as it is hashed and judged: Unicode normalisation form C. */
    public static String normalized(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFC);
    }

    /**
     * A password with a lone UTF-16 surrogate is refused where it is set and never matches: the UTF-8 encoder writes
     * {@code ?} for the surrogate, so different passwords would hash alike. So is one with a NUL: bcrypt repeats the
     * password and a NUL over its 72 bytes, so {@code "x\0x"} hashes as {@code "x"} and eight NULs as the empty
     * password. An empty password, or one of NULs only, never matches; a password with a NUL set before this was
     * refused still signs in as typed.
     */
    public Uni<String> hash(String password) {
        if (MetadataPolicy.hasLoneSurrogate(password)) {
            return Uni.createFrom().failure(ApiError.unprocessable(
                    "Password must be valid text: it holds a lone UTF-16 surrogate"));
        }
        if (password.indexOf('\0') >= 0) {
            return Uni.createFrom().failure(ApiError.unprocessable(NUL_REFUSED));
        }
        return offload(() -> hashNow(normalized(password)));
    }

    /** True when the password matches the hash; a null hash is compared against a dummy and never matches. */
    public Uni<Boolean> matches(String password, String hash) {
        return matches(password, hash, Instant.MAX);
    }

    /**
     * As {@link #matches(String, String)}, but a comparison that has not started by {@code startBy} (it waited in the
     * queue) is not made: it fails with 503 instead, so the caller knows no password was checked.
     */
    public Uni<Boolean> matches(String password, String hash, Instant startBy) {
        return offload(() -> {
            if (Instant.now().isAfter(startBy)) {
                throw busy();
            }
            String against = hash == null ? dummyHash : hash;
            // Empty or only NULs: what a hash of NULs (settable before NUL was refused) would match.
            if (password == null || password.chars().allMatch(c -> c == 0)
                    || MetadataPolicy.hasLoneSurrogate(password)) {
                return false;
            }
            String form = normalized(password);
            // A hash set before passwords were normalised is of the password as it was typed then.
            boolean ok = checkNow(against, form) || !form.equals(password) && checkNow(against, password);
            return ok && hash != null;
        });
    }

    private static boolean checkNow(String hash, String password) {
        try {
            return !overBcryptsLimit(password) && OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (IllegalArgumentException malformedHash) {
            return false;
        }
    }

    private String hashNow(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2a", password.getBytes(StandardCharsets.UTF_8), salt, cost);
    }

    private <T> Uni<T> offload(Supplier<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            try {
                pool.execute(() -> {
                    try {
                        T result = work.get();
                        if (context != null) {
                            context.runOnContext(v -> emitter.complete(result));
                        } else {
                            emitter.complete(result);
                        }
                    } catch (RuntimeException e) {
                        if (context != null) {
                            context.runOnContext(v -> emitter.fail(e));
                        } else {
                            emitter.fail(e);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                emitter.fail(busy());
            }
        });
    }

    private static ApiError busy() {
        return ApiError.of(503, "Server is busy, try again later");
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }
}
