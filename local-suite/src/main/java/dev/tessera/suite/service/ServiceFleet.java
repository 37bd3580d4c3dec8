package dev.tessera.suite.service;

import java.io.IOException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.tessera.suite.SuiteException;
import dev.tessera.suite.gateway.Endpoints;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.process.Poll;

/**
 * The services, each as one process per replica ({@code java -jar <module>/target/quarkus-app/quarkus-run.jar} on
 * its own port), started together and waited for until each answers {@code /q/health/ready} on its management port
 * ({@link ServiceEnvironment#managementPort}). If one does not come
 * up, the tail of its log goes into the failure and every process started so far is stopped. A service that runs
 * once is named and logged as its module ({@code user-service.log}); replicas as {@code user-service-1},
 * {@code user-service-2}, ...
 *
 * <p>
 * A replica is {@link #replace replaced} the way a Kubernetes rollout replaces a pod: taken out of rotation in the
 * {@link Endpoints} the gateway and the balancers share, its requests in flight answered, stopped with SIGTERM (Quarkus
 * then finishes what it still holds within {@code QUARKUS_SHUTDOWN_TIMEOUT}), started again, possibly with another
 * environment, and put back in rotation only once ready. {@link #rollOut} does that to each replica of a service in
 * turn, so a service that runs twice never stops answering.
 */
public final class ServiceFleet implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** How long a replica out of rotation may take to answer what it was sent before it is stopped regardless. */
    private static final Duration DRAIN_CEILING = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 60;

    private final Map<SuiteService, List<ChildProcess>> processes;
    private final Map<SuiteService, List<Integer>> replicaPorts;
    /** The shared environment each replica was last started with (the launch's, until {@link #replace}). */
    private final Map<SuiteService, List<Map<String, String>>> environments = new EnumMap<>(SuiteService.class);
    private final Map<ChildProcess, ClassDataArchives.Use> archiveUses = new ConcurrentHashMap<>();
    private final Launch launch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceFleet(Map<SuiteService, List<ChildProcess>> processes,
            Map<SuiteService, List<Integer>> replicaPorts, Launch launch) {
        this.processes = processes;
        this.replicaPorts = replicaPorts;
        this.launch = launch;
        replicaPorts.forEach((service, ports) -> {
            List<Map<String, String>> each = new CopyOnWriteArrayList<>();
            ports.forEach(port -> each.add(launch.environment()));
            environments.put(service, each);
        });
    }

    /**
     * What to start and how.
     *
     * @param replicaPorts for each service, the port of each of its replicas (one port: one process)
     * @param ownSessions each process in a session of its own (see {@link ChildProcess#startInOwnSession}), for a
     *            caller that always stops the fleet itself (the launcher); otherwise they share the caller's process
     *            group and a terminal's Ctrl-C ends them with it (the tests)
     * @param endpoints which replicas take requests, shared with the gateway and the balancers in front of them
     *            (replica ports as {@code replicaPorts})
     * @param archives the services' class-data archives, used and recorded ({@link ClassDataArchives}), if any
     */
    public record Launch(Path repoRoot, Map<SuiteService, List<Integer>> replicaPorts, Map<String, String> environment,
            List<String> jvmOptions, Path logDir, Duration readyTimeout, boolean ownSessions, Endpoints endpoints,
            Optional<ClassDataArchives> archives) {

        /** Without class-data archives: every process loads its classes from the jars. */
        public Launch(Path repoRoot, Map<SuiteService, List<Integer>> replicaPorts, Map<String, String> environment,
                List<String> jvmOptions, Path logDir, Duration readyTimeout, boolean ownSessions,
                Endpoints endpoints) {
            this(repoRoot, replicaPorts, environment, jvmOptions, logDir, readyTimeout, ownSessions, endpoints,
                    Optional.empty());
        }

        /** With endpoints of its own, which no gateway shares. */
        public Launch(Path repoRoot, Map<SuiteService, List<Integer>> replicaPorts, Map<String, String> environment,
                List<String> jvmOptions, Path logDir, Duration readyTimeout, boolean ownSessions) {
            this(repoRoot, replicaPorts, environment, jvmOptions, logDir, readyTimeout, ownSessions,
                    Endpoints.of(replicaPorts));
        }

        /** Processes in the caller's process group. */
        public Launch(Path repoRoot, Map<SuiteService, List<Integer>> replicaPorts, Map<String, String> environment,
                List<String> jvmOptions, Path logDir, Duration readyTimeout) {
            this(repoRoot, replicaPorts, environment, jvmOptions, logDir, readyTimeout, false);
        }

        /** One process per service, on the given port. */
        public static Launch oneEach(Path repoRoot, Map<SuiteService, Integer> ports, Map<String, String> environment,
                List<String> jvmOptions, Path logDir, Duration readyTimeout) {
            Map<SuiteService, List<Integer>> single = new EnumMap<>(SuiteService.class);
            ports.forEach((service, port) -> single.put(service, List.of(port)));
            return new Launch(repoRoot, single, environment, jvmOptions, logDir, readyTimeout);
        }
    }

    /**
     * Starts every replica of every service and returns once all are ready. {@code progress} hears one line per
     * process that is up.
     *
     * @throws SuiteException naming the process that failed, with the tail of its log
     */
    public static ServiceFleet start(Launch launch, Consumer<String> progress) {
        requireBuilt(launch.repoRoot(), launch.replicaPorts().keySet());
        Map<SuiteService, List<ChildProcess>> started = new EnumMap<>(SuiteService.class);
        Map<SuiteService, List<Integer>> ports = new EnumMap<>(SuiteService.class);
        launch.replicaPorts().forEach((service, list) -> ports.put(service, List.copyOf(list)));
        ServiceFleet fleet = new ServiceFleet(started, ports, launch);
        try {
            List<Runnable> waits = new ArrayList<>();
            ports.forEach((service, replicas) -> {
                List<ChildProcess> processes = new CopyOnWriteArrayList<>();
                started.put(service, processes);
                for (int i = 0; i < replicas.size(); i++) {
                    ChildProcess process = fleet.launch(service, i);
                    processes.add(process);
                    int replica = i;
                    waits.add(() -> {
                        fleet.awaitReady(service, replica, process);
                        progress.accept(process.name() + " is ready on http://127.0.0.1:" + replicas.get(replica)
                                + " (pid " + process.pid() + ")");
                    });
                }
            });
            List<CompletableFuture<Void>> ready = waits.stream().map(CompletableFuture::runAsync).toList();
            try {
                CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof SuiteException suite ? suite : new SuiteException(e.getMessage(), e);
            }
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /** Starts replica {@code index} of {@code service} (from 0) under its name, port and log, without waiting. */
    private ChildProcess launch(SuiteService service, int index) {
        List<Integer> replicas = replicaPorts.get(service);
        String name = service.replicaName(index, replicas.size());
        int port = replicas.get(index);
        Optional<ClassDataArchives.Use> archive = launch.archives().map(archives -> archives.use(service, index));
        List<String> jvmOptions = new ArrayList<>(launch.jvmOptions());
        archive.ifPresent(use -> jvmOptions.addAll(use.jvmOptions()));
        List<String> command = JavaCommand.of(jvmOptions, "-jar", service.runnableJar(launch.repoRoot()).toString());
        Map<String, String> env = ServiceEnvironment.forService(environments.get(service).get(index), name, port);
        Path log = launch.logDir().resolve(name + ".log");
        ChildProcess process = launch.ownSessions()
                ? ChildProcess.startInOwnSession(name, command, env, launch.repoRoot(), log)
                : ChildProcess.start(name, command, env, launch.repoRoot(), log);
        archive.ifPresent(use -> archiveUses.put(process, use));
        return process;
    }

    /** After {@code process} has exited: keeps the archive it recorded, if it did ({@link ClassDataArchives#settle}). */
    private void settleArchive(ChildProcess process) {
        ClassDataArchives.Use use = archiveUses.remove(process);
        if (use != null) {
            launch.archives().ifPresent(archives -> archives.settle(use, process));
        }
    }

    private void awaitReady(SuiteService service, int index, ChildProcess process) {
        awaitReady(http, process.name(), process, replicaPorts.get(service).get(index), launch.readyTimeout());
    }

    /**
     * Kills replica {@code index} of {@code service} (from 0) with SIGKILL, as a crash or an OOM kill ends a pod:
     * no shutdown hook, no last offset commit, no goodbye to its consumer groups. Returns once it has exited.
     */
    public ChildProcess kill(SuiteService service, int index) {
        ChildProcess process = processes.get(service).get(index);
        process.kill();
        settleArchive(process);
        return process;
    }

    /**
     * Starts replica {@code index} of {@code service} again, under the same name, port and environment (its log is
     * started anew; the killed process's log is kept beside it with the suffix {@code .<pid>}), and returns once it
     * is ready. A running replica is drained and stopped first, as {@link #replace} does.
     */
    public ChildProcess restart(SuiteService service, int index) {
        return replace(service, index, environments.get(service).get(index));
    }

    /**
     * Replaces replica {@code index} of {@code service} with a process started with {@code environment} (the shared
     * one, before {@link ServiceEnvironment#forService}), as a rollout of a changed Deployment replaces a pod: out of
     * rotation, its requests in flight answered (at most a minute), SIGTERM, the new process
     * started under the same name, port and log, and back in rotation once ready. Returns the new process.
     */
    public ChildProcess replace(SuiteService service, int index, Map<String, String> environment) {
        Endpoints endpoints = launch.endpoints();
        endpoints.out(service, index);
        ChildProcess old = processes.get(service).get(index);
        if (old.isAlive()) {
            endpoints.awaitIdle(service, index, DRAIN_CEILING);
            old.stop(STOP_GRACE);
        }
        settleArchive(old);
        keepLog(old);
        environments.get(service).set(index, Map.copyOf(environment));
        ChildProcess process = launch(service, index);
        processes.get(service).set(index, process);
        awaitReady(service, index, process);
        endpoints.in(service, index);
        return process;
    }

    /**
     * Replaces every replica of {@code service}, one after the other, with a process started with the launch's
     * environment and {@code changes} on top ({@link #replace}): a rollout of a changed ConfigMap or Secret with
     * {@code maxUnavailable: 0}, so with two or more replicas one always serves.
     */
    public void rollOut(SuiteService service, Map<String, String> changes) {
        for (int i = 0; i < replicaPorts.get(service).size(); i++) {
            Map<String, String> environment = new HashMap<>(environments.get(service).get(i));
            environment.putAll(changes);
            replace(service, i, environment);
        }
    }

    private static void keepLog(ChildProcess old) {
        try {
            if (Files.exists(old.log())) {
                Files.move(old.log(), old.log().resolveSibling(old.log().getFileName() + "." + old.pid()));
            }
        } catch (IOException e) {
            // Only the earlier log is lost; the restart itself does not depend on it.
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

    private static void awaitReady(HttpClient http, String name, ChildProcess process, int port, Duration timeout) {
        URI health = ServiceEnvironment.readiness(port);
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            Poll.until(name + " did not become ready at " + health, timeout)
                    .every(Duration.ofMillis(500))
                    .abortWhen(process.onExit(), () -> "exited with code " + process.exitValue())
                    .check(() -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (SuiteException e) {
            throw new SuiteException(e.getMessage() + System.lineSeparator() + "--- last lines of "
                    + process.log() + " ---" + System.lineSeparator() + process.tail(LOG_TAIL_LINES), e);
        }
    }

    /** Which replicas take requests: the gateway and the balancers in front of this fleet should share it. */
    public Endpoints endpoints() {
        return launch.endpoints();
    }

    /** The internal address of a service's first replica, e.g. {@code http://127.0.0.1:8183}. */
    public URI address(SuiteService service) {
        return URI.create("http://127.0.0.1:" + replicaPorts.get(service).get(0));
    }

    /** The port of each service's first (or only) replica. */
    public Map<SuiteService, Integer> ports() {
        Map<SuiteService, Integer> first = new EnumMap<>(SuiteService.class);
        replicaPorts.forEach((service, ports) -> first.put(service, ports.get(0)));
        return first;
    }

    /** The ports of every replica of each service. */
    public Map<SuiteService, List<Integer>> replicaPorts() {
        return replicaPorts;
    }

    /** Every process of the fleet, replicas included. */
    public List<ChildProcess> processes() {
        return processes.values().stream().flatMap(List::stream).toList();
    }

    /** The processes of one service, in replica order. */
    public List<ChildProcess> processes(SuiteService service) {
        return List.copyOf(processes.getOrDefault(service, List.of()));
    }

    /** Stops every process: all are asked at once, then each is waited for (and killed after a grace period). */
    @Override
    public void close() {
        processes().forEach(ChildProcess::requestStop);
        processes().forEach(p -> p.awaitStop(STOP_GRACE));
        processes().forEach(this::settleArchive);
    }
}
