package dev.tessera.suite.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.tessera.suite.SuiteException;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.process.Poll;

/**
 * The four services, one process each ({@code java -jar <module>/target/quarkus-app/quarkus-run.jar}), started
 * together and waited for until each answers {@code /q/health/ready}. If one does not come up, the tail of its log
 * goes into the failure and every service started so far is stopped.
 */
public final class ServiceFleet implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 60;

    private final Map<SuiteService, ChildProcess> processes;
    private final Map<SuiteService, Integer> ports;

    private ServiceFleet(Map<SuiteService, ChildProcess> processes, Map<SuiteService, Integer> ports) {
        this.processes = processes;
        this.ports = ports;
    }

    /** What to start and how. */
    public record Launch(Path repoRoot, Map<SuiteService, Integer> ports, Map<String, String> environment,
            List<String> jvmOptions, Path logDir, Duration readyTimeout) {
    }

    /**
     * Starts every service and returns once all are ready. {@code progress} hears one line per service that is up.
     *
     * @throws SuiteException naming the service that failed, with the tail of its log
     */
    public static ServiceFleet start(Launch launch, Consumer<String> progress) {
        requireBuilt(launch.repoRoot(), launch.ports().keySet());
        Map<SuiteService, ChildProcess> started = new EnumMap<>(SuiteService.class);
        ServiceFleet fleet = new ServiceFleet(started, Map.copyOf(launch.ports()));
        try {
            launch.ports().forEach((service, port) -> started.put(service, ChildProcess.start(service.module(),
                    JavaCommand.of(launch.jvmOptions(), "-jar", service.runnableJar(launch.repoRoot()).toString()),
                    ServiceEnvironment.forService(launch.environment(), port), launch.repoRoot(),
                    launch.logDir().resolve(service.module() + ".log"))));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            List<CompletableFuture<Void>> ready = new ArrayList<>();
            started.forEach((service, process) -> ready.add(CompletableFuture.runAsync(() -> {
                awaitReady(http, service, process, launch.ports().get(service), launch.readyTimeout());
                progress.accept(service.module() + " is ready on " + fleet.address(service) + " (pid "
                        + process.pid() + ")");
            })));
            try {
                CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof SuiteException suite ? suite : new SuiteException(e.getMessage(), e);
            }
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /** Fails, naming the missing jar, unless every service has been built. */
    public static void requireBuilt(Path repoRoot, Collection<SuiteService> services) {
        for (SuiteService service : services) {
            Path jar = service.runnableJar(repoRoot);
            if (!Files.isRegularFile(jar)) {
                throw new SuiteException(service.module() + " is not built: " + jar
                        + " is missing (build with ./mvnw -B package -DskipTests)");
            }
        }
    }

    private static void awaitReady(HttpClient http, SuiteService service, ChildProcess process, int port,
            Duration timeout) {
        URI health = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            Poll.until(service.module() + " did not become ready at " + health, timeout)
                    .every(Duration.ofMillis(500))
                    .abortWhen(process.onExit(), () -> "exited with code " + process.exitValue())
                    .check(() -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (SuiteException e) {
            throw new SuiteException(e.getMessage() + System.lineSeparator() + "--- last lines of "
                    + process.log() + " ---" + System.lineSeparator() + process.tail(LOG_TAIL_LINES), e);
        }
    }

    /** The internal address of a service, e.g. {@code http://127.0.0.1:8183}. */
    public URI address(SuiteService service) {
        return URI.create("http://127.0.0.1:" + ports.get(service));
    }

    public Map<SuiteService, Integer> ports() {
        return ports;
    }

    public Map<SuiteService, ChildProcess> processes() {
        return Map.copyOf(processes);
    }

    /** Stops every service: all are asked at once, then each is waited for (and killed after a grace period). */
    @Override
    public void close() {
        processes.values().forEach(ChildProcess::requestStop);
        processes.values().forEach(p -> p.awaitStop(STOP_GRACE));
    }
}
