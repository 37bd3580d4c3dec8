package dev.tessera.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long one service takes from launch to ready when it starts alone on a warm build: for each service, a second
 * process with the running one's command line, working directory and environment (so the same JVM options, database,
 * broker, secrets and class-data archive), on ports of its own, timed from its launch to its first 200 from
 * {@code /q/health/ready}. The suite's own start times show the four starting together on shared cores; this shows
 * what one pod's restart costs.
 *
 * <p>The copy joins the running one's consumer groups as an ordinary member (the static member name is dropped, or it
 * would take the running process's partitions), and leaves them when it is stopped. Nothing of its environment is
 * printed (it holds the suite's secrets).
 */
final class ServiceStart {

    private static final String GROUP_INSTANCE_ID = "TESSERA_KAFKA_GROUP_INSTANCE_ID";
    /** Quarkus' management interface sits this far above the HTTP port in the local suite. */
    private static final int MANAGEMENT_OFFSET = 1000;
    private static final Duration READY_LIMIT = Duration.ofMinutes(3);

    private ServiceStart() {
    }

    /** Seconds from launch to ready of each service found running, started alone one after another. */
    static Map<String, Double> timeEachAlone(int firstPort) throws Exception {
        Map<String, Double> seconds = new LinkedHashMap<>();
        int port = firstPort;
        for (String service : ProcessTable.SERVICES) {
            Optional<ProcessTable.Process> running = ProcessTable.target().stream()
                    .filter(p -> p.group().equals(service) && p.command().contains("quarkus-run.jar")).findFirst();
            if (running.isEmpty()) {
                System.out.printf("%s: no running process to copy; its start alone is not measured%n", service);
                continue;
            }
            double took;
            try {
                took = timeAlone(service, running.get(), port++);
            } catch (IllegalStateException | IOException failed) {
                System.out.println(service + " started alone: not measured, " + failed.getMessage());
                continue;
            }
            System.out.printf(Locale.ROOT, "%s started alone: ready %.1f s after launch (goal: at most 5 s)%n",
                    service, took);
            seconds.put(service, took);
        }
        return seconds;
    }

    private static double timeAlone(String service, ProcessTable.Process running, int port) throws Exception {
        Map<String, String> env = environment(running.dir().resolve("environ"));
        env.remove(GROUP_INSTANCE_ID);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(port + MANAGEMENT_OFFSET));
        Path log = Files.createTempFile("tessera-bench-" + service, ".log");
        // The copy starts from the running one's class-data archive when it has one, but never records one: that is
        // the launcher's to keep, from its own process's exit.
        List<String> command = running.arguments().stream()
                .filter(argument -> !argument.startsWith("-XX:ArchiveClassesAtExit=")).toList();
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Files.readSymbolicLink(running.dir().resolve("cwd")).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        URI ready = URI.create("http://127.0.0.1:" + (port + MANAGEMENT_OFFSET) + "/q/health/ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            while (System.nanoTime() - start < READY_LIMIT.toNanos()) {
                if (answersReady(http, ready)) {
                    return (System.nanoTime() - start) / 1e9;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(service + " started alone exited with " + process.exitValue()
                            + "; its log: " + log);
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(service + " started alone was not ready within " + READY_LIMIT
                    + "; its log: " + log);
        } finally {
            // SIGTERM, so it leaves its consumer groups at once and the running process gets its partitions back.
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (!process.isAlive() && (process.exitValue() == 0 || process.exitValue() == 143)) {
                Files.deleteIfExists(log);
            }
        }
    }

    private static boolean answersReady(HttpClient http, URI ready) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static Map<String, String> environment(Path environ) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String entry : new String(Files.readAllBytes(environ), StandardCharsets.UTF_8).split("\0")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                env.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return env;
    }
}
