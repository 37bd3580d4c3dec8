package dev.tessera.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The bcrypt yardstick: how fast this machine hashes at the suite's cost, with the library user-service uses, at
 * steady state. Blocks of hashes repeat until two agree within 3% (at most ten): the first hashes of a JVM run before
 * the JIT has compiled the cipher and take some 25% longer, which would flatter a ratio against them.
 *
 * <p>Two figures. {@link #oneCoreSeconds} is one hash with the other cores idle. {@link #allCoresPerSecond} is the
 * machine's rate with a hash on every core at once, which is what a server that did nothing but bcrypt could reach:
 * cores share caches, the hypervisor's time and the machine's background work, so on this kind of machine it came out
 * 2-5% below cores divided by the one-core time. The login bound is built on the latter; the former is printed
 * beside it.
 */
final class BcryptYardstick {

    private static final int BLOCK = 10;
    private static final int BLOCKS = 10;
    private static final double AGREE = 0.03;

    private BcryptYardstick() {
    }

    /** The time of one hash on one core, in seconds. */
    static double oneCoreSeconds(int cost) {
        return 1 / steady(() -> BLOCK / hashSeconds(cost, BLOCK));
    }

    /**
     * Hashes per second with one thread per core hashing at once: each thread's rate over its own block, summed. A
     * thread that finishes first leaves the others a freer machine for their last hashes, so the sum leans high, which
     * makes the bound stricter, never looser.
     */
    static double allCoresPerSecond(int cost) {
        int cores = Runtime.getRuntime().availableProcessors();
        return steady(() -> {
            List<CompletableFuture<Double>> threads = new ArrayList<>();
            for (int i = 0; i < cores; i++) {
                CompletableFuture<Double> rate = new CompletableFuture<>();
                Thread thread = new Thread(() -> rate.complete(BLOCK / hashSeconds(cost, BLOCK)), "bcrypt-yardstick-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(rate);
            }
            return threads.stream().mapToDouble(CompletableFuture::join).sum();
        });
    }

    /** Repeats blocks of {@code rate} (hashes per second) until two agree, and answers the last (else the best). */
    private static double steady(DoubleSupplier rate) {
        double previous = 0;
        double best = 0;
        for (int block = 0; block < BLOCKS; block++) {
            double current = rate.getAsDouble();
            best = Math.max(best, current);
            if (previous > 0 && Math.abs(current - previous) / previous < AGREE) {
                return current;
            }
            previous = current;
        }
        return best;
    }

    private static double hashSeconds(int cost, int hashes) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] password = "benchmark password".getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        for (int i = 0; i < hashes; i++) {
            OpenBSDBCrypt.generate("2a", password, salt, cost);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
