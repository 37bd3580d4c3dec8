package dev.tessera.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * Drives the password and refresh-token grants and token checks ({@code GET /user}) of a running suite through its
 * public base URL and prints, from this one run: password logins per second as a fraction of the bcrypt bound (cores
 * divided by the time of one hash at the suite's cost, measured here with the same library), refresh grants and token
 * checks per second, p50/p99 latencies, and the footprint: resident memory after the start and after the load, and
 * each service's time from launch to ready when started alone.
 *
 * <p>The load is closed-loop: each worker sends its next request when the previous answer arrived. The client is one
 * Vert.x event loop, so it takes little of the cores it shares with the suite; each phase is measured once its rate
 * has settled (see {@link #warmUp}).
 *
 * <p>With {@code --keycloak} it runs the same phases against a Keycloak instead ({@code bench/run.sh} starts one
 * before the suite), and the suite's refresh rate is then compared with that peer's rate from the same run.
 */
public final class GrantBenchmark {

    /** How long the suite takes to finish what the last requests set off (outbox relays, consumers). */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** The share of all cores below which the JIT compilers count as done with a warm-up's paths. */
    private static final double COMPILING_SETTLED = 0.015;
    private static final int WARMUP_ROUNDS = 16;
    /** The phase of the token checks sent to user-service's own port ({@link #directChecks}). */
    static final String DIRECT_CHECK = "check_direct";

    private GrantBenchmark() {
    }

    record Settings(URI base, int cost, int users, int loginWorkers, int refreshWorkers, int checkWorkers,
            Duration loginTime, Duration refreshTime, Duration checkTime, Duration warmup, Duration idleTime,
            Duration startIdle, Duration quiet) {
        static Settings from(String[] args) {
            String base = args.length > 0 ? args[0] : "http://localhost:8081";
            int refreshWorkers = intEnv("BENCH_REFRESH_WORKERS", 16);
            return new Settings(URI.create(base.replaceAll("/+$", "")), intEnv("BENCH_BCRYPT_COST", 10),
                    intEnv("BENCH_USERS", 16), intEnv("BENCH_LOGIN_WORKERS", 4 * Runtime.getRuntime().availableProcessors()),
                    refreshWorkers, intEnv("BENCH_CHECK_WORKERS", refreshWorkers),
                    Duration.ofSeconds(intEnv("BENCH_LOGIN_SECONDS", 60)),
                    Duration.ofSeconds(intEnv("BENCH_REFRESH_SECONDS", 20)),
                    Duration.ofSeconds(intEnv("BENCH_CHECK_SECONDS", 20)),
                    Duration.ofSeconds(intEnv("BENCH_WARMUP_SECONDS", 15)),
                    Duration.ofSeconds(intEnv("BENCH_IDLE_SECONDS", 20)),
                    Duration.ofSeconds(intEnv("BENCH_START_IDLE_SECONDS", 30)),
                    Duration.ofSeconds(intEnv("BENCH_QUIET_SECONDS", 60)));
        }

        private static int intEnv(String name, int fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        }
    }

    /** What one load phase measured; {@code doneMillis}: when each request was answered, from the phase's start. */
    record Result(int requests, int errors, double seconds, long[] latenciesMicros, long[] doneMillis) {
        double perSecond() {
            return requests / seconds;
        }

        /** Requests answered in each whole second of the phase. */
        int[] perSecondSeries() {
            int[] counts = new int[(int) seconds];
            for (long done : doneMillis) {
                if (done / 1000 < counts.length) {
                    counts[(int) (done / 1000)]++;
                }
            }
            return counts;
        }

        double percentileMillis(double p) {
            return GrantBenchmark.percentileMillis(latenciesMicros, p);
        }
    }

    /** The {@code p}th percentile (nearest rank) of durations in microseconds, in milliseconds. */
    static double percentileMillis(long[] micros, double p) {
        if (micros.length == 0) {
            return Double.NaN;
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }

    public static void main(String[] args) throws Exception {
        boolean peer = args.length > 0 && args[0].equals("--keycloak");
        Settings settings = Settings.from(peer ? Arrays.copyOfRange(args, 1, args.length) : args);
        Vertx vertx = Vertx.vertx();
        int connections = Math.max(settings.checkWorkers(), Math.max(settings.loginWorkers(),
                settings.refreshWorkers()));
        JsonHttp json = client(vertx, settings.base(), connections);
        try {
            boolean clean = peer
                    ? measureKeycloak(settings, await(KeycloakTarget.setUp(json, env("BENCH_KEYCLOAK_ADMIN", "admin"),
                            env("BENCH_KEYCLOAK_ADMIN_PASSWORD", "admin"))))
                    : measureTessera(settings, new TesseraTarget(json), directChecks(vertx, connections));
            System.exit(clean ? 0 : 1);
        } finally {
            vertx.close();
        }
    }

    /**
     * user-service's own address ({@code BENCH_CHECK_DIRECT}, set by {@code bench/run.sh}), if given: Keycloak answers
     * userinfo itself, while the suite's checks pass the local gateway, which stands in for the ingress a deployment
     * puts in front of both, so the checks are measured there too.
     */
    static Optional<GrantTarget> directChecks(Vertx vertx, int connections) {
        String direct = env("BENCH_CHECK_DIRECT", "");
        if (direct.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TesseraTarget(client(vertx, URI.create(direct.replaceAll("/+$", "")), connections)));
    }

    /** Keep-alive connections to {@code base}, up to {@code connections} at once. */
    private static JsonHttp client(Vertx vertx, URI base, int connections) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()),
                new PoolOptions().setHttp1MaxSize(connections));
        return new JsonHttp(http, base.getPath());
    }

    /**
     * Both grants and the token check of the suite (also at user-service's own address when {@code directChecks} is
     * there), the bcrypt yardstick around the login phase, the ratios and the footprint; true without errors.
     */
    static boolean measureTessera(Settings settings, GrantTarget target, Optional<GrantTarget> directChecks)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        RunRecord record = new RunRecord("tessera");
        System.out.printf("Tessera grant benchmark against %s (%d cores, bcrypt cost %d)%n", settings.base(), cores,
                settings.cost());
        noteStart(settings, record, "tessera");
        System.out.printf(Locale.ROOT, "bcrypt at the start: one hash takes %.1f ms on one core (the yardstick is "
                + "measured again around the login phase, on all cores)%n",
                BcryptYardstick.oneCoreSeconds(settings.cost()) * 1000);
        Load load = Load.prepare(target, settings);

        // A long-running server has served both kinds of traffic. Logins alone arrive too slowly (bcrypt) for
        // the JIT to compile the path they share with refreshes (token minting, sessions, outbox, the
        // user-service client) within minutes, so refreshes warm it first; then each phase settles again.
        warmUp("refresh grant", settings, settings.refreshWorkers(), load.refresh());
        warmUp("password grant", settings, settings.loginWorkers(), load.login());
        // What the suite costs with nothing to do (relays, consumers, the broker, the JVMs' housekeeping) is
        // spent during every phase too, and at the login rate it is a share of each login. The suite is quiet
        // after this window, so the yardstick follows it directly.
        Thread.sleep(SETTLE.toMillis());
        CpuSplit idleCpu = CpuSplit.begin();
        Thread.sleep(settings.idleTime().toMillis());
        double suiteIdleMillis = idleCpu.suiteMillisPerSecond();
        record.figures("tessera.idle.cpu_ms_per_second.", idleCpu.print("idle", settings.idleTime().toSeconds(),
                "second"));
        record.figure("tessera.idle.suite_cpu_ms_per_second", suiteIdleMillis);
        double rateBefore = BcryptYardstick.allCoresPerSecond(settings.cost());
        double oneCoreBefore = BcryptYardstick.oneCoreSeconds(settings.cost());
        Result logins = measure(record, "Tessera", "login", settings.loginTime(), settings.loginWorkers(),
                load.login());
        double rateAfter = quietBcryptRate(settings.cost());
        // Both yardsticks at both ends, so the one-core time is taken when the machine was as fast as for the other.
        double oneCore = Math.min(oneCoreBefore, BcryptYardstick.oneCoreSeconds(settings.cost()));
        // The faster of the two: a disturbance only ever makes hashing look slower (one run timed 60 ms a hash
        // before and 96 ms after), and a slower yardstick would flatter the ratio. The suite idles beside the
        // yardstick, and what it costs idle is its own overhead, not the machine's: the hashes its idle CPU would
        // have made are added back, at the one-core time (the faster), so the bound is stricter rather than looser.
        double measuredRate = Math.max(rateBefore, rateAfter);
        double bound = measuredRate + suiteIdleMillis / 1000 / oneCore;
        double hashSeconds = cores / bound;
        warmUp("refresh grant", settings, settings.refreshWorkers(), load.refresh());
        Result refreshes = measure(record, "Tessera", "refresh", settings.refreshTime(), settings.refreshWorkers(),
                load.refresh());
        Result checks = measureChecks(record, "Tessera", "token check", "check", settings, load, target);
        Optional<Result> direct = Optional.empty();
        if (directChecks.isPresent()) {
            direct = Optional.of(measureChecks(record, "Tessera", "token check at user-service's own port",
                    DIRECT_CHECK, settings, load, directChecks.get()));
        }
        record.figure("tessera.bcrypt_ms", hashSeconds * 1000);
        record.figure("tessera.bcrypt_one_core_ms", oneCore * 1000);
        record.figure("tessera.bcrypt_all_cores_per_second", measuredRate);
        record.figure("tessera.login.share_of_bcrypt_bound", logins.perSecond() / bound);
        record.figure("tessera.login.share_of_one_core_bound", logins.perSecond() * oneCore / cores);
        noteAfterLoad(settings, record, "tessera");
        if (!env("BENCH_TARGET_PID", "").isEmpty()) {
            // Only a suite this run started: copying a process found by its name could start another suite's.
            record.figures("footprint.start_alone_s.", ServiceStart.timeEachAlone(intEnv("BENCH_ALONE_PORT",
                    18480)));
        }

        Peer keycloak = Peer.fromEnvironment();
        System.out.println();
        System.out.printf(Locale.ROOT, "bcrypt on all %d cores at once: %.1f hashes/s just before the login phase and "
                + "%.1f just after it, beside the idle suite; with the faster, and the %.1f/s its idle CPU (%.0f ms a "
                + "second) would have hashed, the bound is %.1f logins/s (%.1f ms a hash a core; one core alone: "
                + "%.1f ms, %.1f logins/s if cores added up)%n", cores, rateBefore, rateAfter,
                bound - measuredRate, suiteIdleMillis, bound, hashSeconds * 1000, oneCore * 1000, cores / oneCore);
        System.out.printf(Locale.ROOT, "password grant: %.1f logins/s = %.2f of the bcrypt bound (goal: at least 0.90; "
                + "%.2f of cores over the one-core hash); p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d "
                + "workers%s%n", logins.perSecond(), logins.perSecond() / bound, logins.perSecond() * oneCore / cores,
                logins.percentileMillis(50), logins.percentileMillis(99),
                logins.requests(), logins.errors(), settings.loginWorkers(), Peer.loginNote(keycloak));
        System.out.printf(Locale.ROOT, "refresh grant:  %.1f grants/s = %s (goal: at least 3x the peer); "
                + "p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d workers%n", refreshes.perSecond(),
                Peer.refreshRatios(keycloak, refreshes.perSecond()), refreshes.percentileMillis(50),
                refreshes.percentileMillis(99), refreshes.requests(), refreshes.errors(), settings.refreshWorkers());
        System.out.printf(Locale.ROOT, "token check:    %.1f checks/s = %s (goal: at least 3x); "
                + "p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d workers%n", checks.perSecond(),
                Peer.checkRatio(keycloak, checks.perSecond()), checks.percentileMillis(50),
                checks.percentileMillis(99), checks.requests(), checks.errors(), settings.checkWorkers());
        direct.ifPresent(d -> System.out.printf(Locale.ROOT, "token check at user-service's own port, without the "
                + "gateway (as Keycloak answers): %.1f checks/s = %s; p50 %.1f ms, p99 %.1f ms; %d requests, %d "
                + "errors%n", d.perSecond(), Peer.checkRatio(keycloak, d.perSecond()), d.percentileMillis(50),
                d.percentileMillis(99), d.requests(), d.errors()));
        record.write();
        return logins.errors() + refreshes.errors() + checks.errors() + direct.map(Result::errors).orElse(0) == 0;
    }

    /**
     * The token-check phase: each worker checks the access token of a login of its own, over and over, warmed up and
     * measured like the grants.
     */
    static Result measureChecks(RunRecord record, String target, String title, String phase, Settings settings,
            Load load, GrantTarget checker) throws Exception {
        IntFunction<Future<?>> check = load.checks(settings.checkWorkers(), checker);
        warmUp(target + " " + title, settings, settings.checkWorkers(), check);
        return measure(record, target, phase, settings.checkTime(), settings.checkWorkers(), check);
    }

    /**
     * Launch to ready ({@code BENCH_START_SECONDS}, measured by the script that launched the target) and resident
     * memory once the target has idled {@code BENCH_START_IDLE_SECONDS} after it was ready
     * ({@code BENCH_READY_EPOCH_MS}); without the latter it is taken at once.
     */
    static void noteStart(Settings settings, RunRecord record, String target) throws InterruptedException {
        String started = System.getenv("BENCH_START_SECONDS");
        if (started != null && !started.isBlank()) {
            System.out.printf(Locale.ROOT, "%s: ready %.1f s after launch%n", target, Double.parseDouble(started));
            record.figure("footprint.start_s." + target, Double.parseDouble(started));
        }
        String ready = System.getenv("BENCH_READY_EPOCH_MS");
        if (ready != null && !ready.isBlank()) {
            long wait = Long.parseLong(ready.trim()) + settings.startIdle().toMillis() - System.currentTimeMillis();
            if (wait > 0) {
                System.out.printf(Locale.ROOT, "idling %.0f s until %d s after ready, for its resident memory%n",
                        wait / 1000.0, settings.startIdle().toSeconds());
                Thread.sleep(wait);
            }
        }
        ResidentMemory.note("after the start", record, "footprint.rss_after_start_mb.");
    }

    /** Resident memory after the load and a quiet spell ({@code BENCH_QUIET_SECONDS}). */
    static void noteAfterLoad(Settings settings, RunRecord record, String target) throws InterruptedException {
        System.out.printf("%s: quiet for %d s before its resident memory after the load%n", target,
                settings.quiet().toSeconds());
        Thread.sleep(settings.quiet().toMillis());
        ResidentMemory.note("after the load and a quiet spell", record, "footprint.rss_after_load_mb.");
    }

    /**
     * The same phases against Keycloak, so the refresh goal is judged against a peer measured on the same machine
     * in the same run; the last line is read by {@code bench/run.sh}.
     */
    static boolean measureKeycloak(Settings settings, GrantTarget target) throws Exception {
        System.out.printf("Keycloak, the peer, at %s, with the same client and phases%n", settings.base());
        RunRecord record = new RunRecord("keycloak");
        noteStart(settings, record, "keycloak");
        Load load = Load.prepare(target, settings);
        warmUp("Keycloak refresh grant", settings, settings.refreshWorkers(), load.refresh());
        warmUp("Keycloak password grant", settings, settings.loginWorkers(), load.login());
        Result logins = measure(record, "Keycloak", "login", settings.loginTime(), settings.loginWorkers(),
                load.login());
        warmUp("Keycloak refresh grant", settings, settings.refreshWorkers(), load.refresh());
        Result refreshes = measure(record, "Keycloak", "refresh", settings.refreshTime(), settings.refreshWorkers(),
                load.refresh());
        Result checks = measureChecks(record, "Keycloak", "userinfo", "check", settings, load, target);
        noteAfterLoad(settings, record, "keycloak");
        System.out.printf(Locale.ROOT, "Keycloak password grant: %.1f logins/s; p50 %.1f ms, p99 %.1f ms; %d requests, "
                + "%d errors%n", logins.perSecond(), logins.percentileMillis(50), logins.percentileMillis(99),
                logins.requests(), logins.errors());
        System.out.printf(Locale.ROOT, "Keycloak refresh grant: %.1f grants/s; p50 %.1f ms, p99 %.1f ms; %d requests, "
                + "%d errors%n", refreshes.perSecond(), refreshes.percentileMillis(50),
                refreshes.percentileMillis(99), refreshes.requests(), refreshes.errors());
        System.out.printf(Locale.ROOT, "Keycloak token check (userinfo): %.1f checks/s; p50 %.1f ms, p99 %.1f ms; "
                + "%d requests, %d errors%n", checks.perSecond(), checks.percentileMillis(50),
                checks.percentileMillis(99), checks.requests(), checks.errors());
        record.write();
        System.out.printf(Locale.ROOT, "%s refresh=%.1f login=%.1f check=%.1f%n", Peer.RESULT_PREFIX,
                refreshes.perSecond(), logins.perSecond(), checks.perSecond());
        return logins.errors() + refreshes.errors() + checks.errors() == 0;
    }

    /**
     * The users and the closed-loop steps: each refresh worker follows its own chain of rotated tokens; each token
     * check worker checks the access token of a login of its own.
     */
    record Load(GrantTarget target, List<String> users, IntFunction<Future<?>> login,
            IntFunction<Future<?>> refresh) {
        static Load prepare(GrantTarget target, Settings settings) throws Exception {
            List<String> users = new ArrayList<>();
            for (int i = 0; i < settings.users(); i++) {
                users.add(await(target.createUser("bench-" + Long.toHexString(System.nanoTime()) + "-" + i
                        + "@example.com")));
            }
            String[] chains = new String[settings.refreshWorkers()];
            for (int i = 0; i < chains.length; i++) {
                chains[i] = await(target.login(users.get(i % users.size()))).refresh();
            }
            return new Load(target, users, worker -> target.login(users.get(worker % users.size())),
                    worker -> target.refresh(chains[worker]).map(next -> chains[worker] = next.refresh()));
        }

        /**
         * Logs each of {@code workers} in afresh (so its token is young) and answers the checking step, sent to
         * {@code checker}: the target, or the same server at another address.
         */
        IntFunction<Future<?>> checks(int workers, GrantTarget checker) throws Exception {
            String[] tokens = new String[workers];
            for (int i = 0; i < workers; i++) {
                tokens[i] = await(target.loginForChecks(users.get(i % users.size()))).access();
            }
            return worker -> checker.check(tokens[worker]);
        }
    }

    /**
     * The peer's rates from this run ({@code BENCH_PEER_REFRESH}, {@code BENCH_PEER_LOGIN} and
     * {@code BENCH_PEER_NAME}, set by {@code bench/run.sh}), if it was measured.
     */
    record Peer(String name, double refreshPerSecond, double loginPerSecond, double checkPerSecond) {
        static final String RESULT_PREFIX = "peer-result";
        /**
         * The figure the goal quotes: hey's first 500 requests (4 at a time, one reused token) against a Keycloak
         * just started, so before its JIT compiled the path; warmed up like the suite it answers several times more.
         */
        static final double QUOTED_REFRESH = 212.0;

        static Peer fromEnvironment() {
            String refresh = System.getenv("BENCH_PEER_REFRESH");
            if (refresh == null || refresh.isBlank()) {
                return null;
            }
            return new Peer(env("BENCH_PEER_NAME", "Keycloak"), Double.parseDouble(refresh),
                    Double.parseDouble(env("BENCH_PEER_LOGIN", "NaN")), Double.parseDouble(env("BENCH_PEER_CHECK",
                            "NaN")));
        }

        static String checkRatio(Peer peer, double perSecond) {
            return peer == null || Double.isNaN(peer.checkPerSecond()) ? "(no peer measured in this run)"
                    : String.format(Locale.ROOT, "%.1fx the %.1f/s %s's userinfo answered in this run, warmed up the "
                            + "same way", perSecond / peer.checkPerSecond(), peer.checkPerSecond(), peer.name());
        }

        static String refreshRatios(Peer peer, double perSecond) {
            String quoted = String.format(Locale.ROOT, "%.1fx the %.0f/s the goal quotes for Keycloak 26", perSecond
                    / QUOTED_REFRESH, QUOTED_REFRESH);
            return peer == null ? quoted + " (no peer measured in this run)" : String.format(Locale.ROOT,
                    "%.1fx the %.1f/s %s answered in this run, warmed up the same way; %s", perSecond
                            / peer.refreshPerSecond(), peer.refreshPerSecond(), peer.name(), quoted);
        }

        static String loginNote(Peer peer) {
            return peer == null ? "" : String.format(Locale.ROOT, " (%s in this run: %.1f logins/s)", peer.name(),
                    peer.loginPerSecond());
        }
    }

    /**
     * One measured phase, with where the machine's CPU went during it, per request; kept in the run's record as
     * {@code <target>.<phase>}.
     */
    static Result measure(RunRecord record, String target, String phase, Duration duration, int workers,
            IntFunction<Future<?>> step) throws Exception {
        CpuSplit cpu = CpuSplit.begin();
        Result result = run(duration, workers, step);
        String name = target.equals("Tessera") ? phase : target + " " + phase;
        record.phase(target, phase, result, cpu.print(name, result.requests(), phase));
        return result;
    }

    static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, String.valueOf(fallback)).trim());
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Runs the load in rounds of {@code BENCH_WARMUP_SECONDS} until two consecutive rounds differ by less than 5%
     * and the JIT compiler threads took less than {@link #COMPILING_SETTLED} of the machine in the last round (at
     * most {@link #WARMUP_ROUNDS} rounds): the services' compilers need minutes of a reactive stack's paths before
     * a server reaches its steady state. At the login rate the rate alone settles first (bcrypt dominates it) while
     * compilation still takes several milliseconds of CPU per login.
     */
    static void warmUp(String phase, Settings settings, int workers, IntFunction<Future<?>> step) throws Exception {
        double previous = -1;
        for (int round = 1; round <= WARMUP_ROUNDS; round++) {
            CpuSplit cpu = CpuSplit.begin();
            double rate = run(settings.warmup(), workers, step).perSecond();
            double compiling = cpu.compilerShare();
            System.out.printf(Locale.ROOT, "warm-up %s, round %d: %.1f/s (JIT compilers %.1f%% of the machine)%n",
                    phase, round, rate, 100 * compiling);
            if (previous > 0 && Math.abs(rate - previous) / previous < 0.05 && compiling < COMPILING_SETTLED) {
                return;
            }
            previous = rate;
        }
    }

    /** {@link BcryptYardstick#allCoresPerSecond} once the suite has settled after the last request. */
    static double quietBcryptRate(int cost) throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        return BcryptYardstick.allCoresPerSecond(cost);
    }

    /** Runs {@code workers} closed loops of {@code step} for {@code duration}. */
    static Result run(Duration duration, int workers, IntFunction<Future<?>> step) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<List<long[]>>> loops = new ArrayList<>();
        List<List<long[]>> answers = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            CompletableFuture<List<long[]>> done = new CompletableFuture<>();
            List<long[]> answered = Collections.synchronizedList(new ArrayList<>());
            loop(w, step, start, end, answered, errors, done);
            loops.add(done);
            answers.add(answered);
        }
        // A request the server never answers (nor closes) would hold its worker for good: after a generous wait the
        // phase goes on without it, counted as an error, instead of failing the whole run.
        long giveUp = end + TimeUnit.SECONDS.toNanos(120);
        List<long[]> all = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            try {
                loops.get(w).get(Math.max(0, giveUp - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException hung) {
                errors.incrementAndGet();
                System.err.println("error: a request of worker " + w + " was not answered within 120 s after the "
                        + "phase's end; the phase goes on without it");
            }
            synchronized (answers.get(w)) {
                all.addAll(answers.get(w));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(all.size(), errors.get(), seconds, all.stream().mapToLong(r -> r[0]).toArray(),
                all.stream().mapToLong(r -> r[1]).toArray());
    }

    /** Each answered request as {latency in microseconds, answered in milliseconds from the phase's start}. */
    private static void loop(int worker, IntFunction<Future<?>> step, long start, long end, List<long[]> answered,
            AtomicInteger errors, CompletableFuture<List<long[]>> done) {
        if (System.nanoTime() >= end) {
            done.complete(answered);
            return;
        }
        long t0 = System.nanoTime();
        step.apply(worker).onComplete(result -> {
            long t1 = System.nanoTime();
            if (result.succeeded()) {
                answered.add(new long[] {(t1 - t0) / 1000, (t1 - start) / 1_000_000});
            } else if (errors.incrementAndGet() <= 3) {
                System.err.println("error: " + result.cause().getMessage());
            }
            loop(worker, step, start, end, answered, errors, done);
        });
    }
}
