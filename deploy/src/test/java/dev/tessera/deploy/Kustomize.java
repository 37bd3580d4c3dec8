package dev.tessera.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization the way {@code kubectl apply -k} would: with {@code kubectl kustomize} where kubectl is
 * installed, else with {@link MiniKustomize}, which implements exactly the kustomize features deploy/ uses. Set
 * {@code TESSERA_KUSTOMIZE=java} (or {@code -Dtessera.kustomize=java}) to force the fallback.
 */
final class Kustomize {

    /** What was rendered and by whom. */
    record Rendering(String yaml, String renderer) {
    }

    private static final Map<Path, Rendering> CACHE = new ConcurrentHashMap<>();
    private static final long TIMEOUT_SECONDS = 120;

    private Kustomize() {
    }

    /** The rendering of {@code dir}, computed once per test run. */
    static Rendering render(Path dir) {
        return CACHE.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            if (forceFallback()) {
                return new Rendering(MiniKustomize.render(d), "MiniKustomize (forced)");
            }
            Optional<String> kubectl = kubectl(d);
            return kubectl.map(yaml -> new Rendering(yaml, "kubectl kustomize"))
                    .orElseGet(() -> new Rendering(MiniKustomize.render(d), "MiniKustomize (kubectl not found)"));
        });
    }

    static boolean forceFallback() {
        return "java".equalsIgnoreCase(System.getenv("TESSERA_KUSTOMIZE"))
                || "java".equalsIgnoreCase(System.getProperty("tessera.kustomize"));
    }

    /** Whether a kubectl that can render kustomizations is on the PATH. */
    static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code kubectl kustomize dir}; empty when there is no kubectl; a failed rendering is an error. */
    static Optional<String> kubectl(Path dir) {
        if (!kubectlAvailable()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
            // Small outputs; read both streams after the exit would risk nothing, but read stdout first anyway.
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed: "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return Optional.of(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
