package dev.tessera.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Drives the password and refresh-token grants of a running suite through its public base URL and prints, from this
 * one run: password logins per second as a fraction of the bcrypt bound (cores divided by the time of one hash at
 * the suite's cost, measured here with the same library), refresh grants per second, and p50/p99 latencies.
 *
 * <p>The load is closed-loop: each worker sends its next request when the previous answer arrived. The client is one
 * Vert.x event loop, so it takes little of the cores it shares with the suite; each phase is measured once its rate
 * has settled (see {@link #warmUp}).
 */
public final class GrantBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long the suite takes to finish what the last requests set off (outbox relays, consumers). */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private GrantBenchmark() {
    }

    record Settings(URI base, int cost, int users, int loginWorkers, int refreshWorkers, Duration loginTime,
            Duration refreshTime, Duration warmup, Duration idleTime) {
        static Settings from(String[] args) {
            String base = args.length > 0 ? args[0] : "http://localhost:8081";
            return new Settings(URI.create(base.replaceAll("/+$", "")), intEnv("BENCH_BCRYPT_COST", 10),
                    intEnv("BENCH_USERS", 16), intEnv("BENCH_LOGIN_WORKERS", 2 * Runtime.getRuntime().availableProcessors()),
                    intEnv("BENCH_REFRESH_WORKERS", 16), Duration.ofSeconds(intEnv("BENCH_LOGIN_SECONDS", 60)),
                    Duration.ofSeconds(intEnv("BENCH_REFRESH_SECONDS", 20)), Duration.ofSeconds(intEnv("BENCH_WARMUP_SECONDS", 15)),
                    Duration.ofSeconds(intEnv("BENCH_IDLE_SECONDS", 20)));
        }

        private static int intEnv(String name, int fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        }
    }

    /** What one load phase measured. */
    record Result(int requests, int errors, double seconds, long[] latenciesMicros) {
        double perSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesMicros.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesMicros.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.from(args);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("Tessera grant benchmark against %s (%d cores, bcrypt cost %d)%n", settings.base(), cores,
                settings.cost());

        System.out.printf(Locale.ROOT, "bcrypt at the start: one hash takes %.1f ms (the yardstick is measured again "
                + "around the login phase)%n", bcryptSeconds(settings.cost()) * 1000);

        Vertx vertx = Vertx.vertx();
        int connections = Math.max(settings.loginWorkers(), settings.refreshWorkers());
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setDefaultHost(settings.base().getHost()).setDefaultPort(settings.base().getPort()),
                new PoolOptions().setHttp1MaxSize(connections));
        Client client = new Client(http, settings.base().getPath());
        try {
            List<String> emails = createUsers(client, settings.users());
            IntFunction<Future<?>> login = worker -> client.login(emails.get(worker % emails.size()));
            String[] chains = new String[settings.refreshWorkers()];
            for (int i = 0; i < chains.length; i++) {
                chains[i] = client.login(emails.get(i % emails.size())).toCompletionStage().toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
            }
            IntFunction<Future<?>> refresh = worker -> client.refresh(chains[worker]).map(next -> chains[worker] = next);

            // A long-running server has served both kinds of traffic. Logins alone arrive too slowly (bcrypt) for
            // the JIT to compile the path they share with refreshes (token minting, sessions, outbox, the
            // user-service client) within minutes, so refreshes warm it first; then each phase settles again.
            warmUp("refresh grant", settings, settings.refreshWorkers(), refresh);
            warmUp("password grant", settings, settings.loginWorkers(), login);
            // What the suite costs with nothing to do (relays, consumers, the broker, the JVMs' housekeeping) is
            // spent during every phase too, and at the login rate it is a share of each login. The suite is quiet
            // after this window, so the yardstick follows it directly.
            Thread.sleep(SETTLE.toMillis());
            CpuSplit idleCpu = CpuSplit.begin();
            Thread.sleep(settings.idleTime().toMillis());
            idleCpu.print("idle", settings.idleTime().toSeconds(), "second");
            double hashBefore = bcryptSeconds(settings.cost());
            CpuSplit loginCpu = CpuSplit.begin();
            Result logins = run(settings.loginTime(), settings.loginWorkers(), login);
            loginCpu.print("login", logins.requests(), "login");
            double hashAfter = quietBcryptSeconds(settings.cost());
            // The faster of the two: a disturbance only ever makes a hash look slower (one run timed 60 ms before
            // and 96 ms after), and a slower yardstick would flatter the ratio.
            double hashSeconds = Math.min(hashBefore, hashAfter);
            double bound = cores / hashSeconds;
            warmUp("refresh grant", settings, settings.refreshWorkers(), refresh);
            CpuSplit refreshCpu = CpuSplit.begin();
            Result refreshes = run(settings.refreshTime(), settings.refreshWorkers(), refresh);
            refreshCpu.print("refresh", refreshes.requests(), "refresh");

            System.out.println();
            System.out.printf(Locale.ROOT, "bcrypt: one hash takes %.1f ms just before the login phase and %.1f ms just "
                    + "after it; with the faster, the bound is %.1f logins/s%n", hashBefore * 1000, hashAfter * 1000, bound);
            System.out.printf(Locale.ROOT, "password grant: %.1f logins/s = %.2f of the bcrypt bound (goal: at least 0.90); "
                    + "p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d workers%n", logins.perSecond(),
                    logins.perSecond() / bound, logins.percentileMillis(50), logins.percentileMillis(99),
                    logins.requests(), logins.errors(), settings.loginWorkers());
            System.out.printf(Locale.ROOT, "refresh grant:  %.1f grants/s = %.1fx the 212/s Keycloak 26 answered on this "
                    + "kind of machine (goal: at least 5x); p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d workers%n",
                    refreshes.perSecond(), refreshes.perSecond() / 212.0, refreshes.percentileMillis(50),
                    refreshes.percentileMillis(99), refreshes.requests(), refreshes.errors(), settings.refreshWorkers());
            System.exit(logins.errors() + refreshes.errors() == 0 ? 0 : 1);
        } finally {
            vertx.close();
        }
    }

    /**
     * Runs the load in rounds of {@code BENCH_WARMUP_SECONDS} until two consecutive rounds differ by less than 5%
     * (at most eight rounds): the services' JIT compilers need minutes of a reactive stack's paths before the rate
     * settles, and a server is measured at its steady state.
     */
    static void warmUp(String phase, Settings settings, int workers, IntFunction<Future<?>> step) throws Exception {
        double previous = -1;
        for (int round = 1; round <= 8; round++) {
            double rate = run(settings.warmup(), workers, step).perSecond();
            System.out.printf(Locale.ROOT, "warm-up %s, round %d: %.1f/s%n", phase, round, rate);
            if (previous > 0 && Math.abs(rate - previous) / previous < 0.05) {
                return;
            }
            previous = rate;
        }
    }

    /** {@link #bcryptSeconds} once the suite has settled after the last request (outbox relays, consumers). */
    static double quietBcryptSeconds(int cost) throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        return bcryptSeconds(cost);
    }

    /**
     * The time of one bcrypt hash on one core at steady state, with the cost and library user-service uses. The
     * hash runs in blocks of ten until two blocks agree within 3% (at most ten): the first hashes of a JVM run
     * before the JIT has compiled the cipher and take some 25% longer, which would flatter the ratio.
     */
    static double bcryptSeconds(int cost) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] password = "benchmark password".getBytes(StandardCharsets.UTF_8);
        double previous = Double.MAX_VALUE;
        double best = Double.MAX_VALUE;
        for (int block = 0; block < 10; block++) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                OpenBSDBCrypt.generate("2a", password, salt, cost);
            }
            double seconds = (System.nanoTime() - start) / 1e9 / 10;
            best = Math.min(best, seconds);
            if (Math.abs(seconds - previous) / previous < 0.03) {
                return seconds;
            }
            previous = seconds;
        }
        return best;
    }

    static List<String> createUsers(Client client, int count) throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = "bench-" + Long.toHexString(System.nanoTime()) + "-" + i + "@example.com";
            client.signup(email).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            emails.add(email);
        }
        return emails;
    }

    /** Runs {@code workers} closed loops of {@code step} for {@code duration}. */
    static Result run(Duration duration, int workers, IntFunction<Future<?>> step) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<List<Long>>> loops = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            CompletableFuture<List<Long>> done = new CompletableFuture<>();
            loop(w, step, end, new ArrayList<>(), errors, done);
            loops.add(done);
        }
        List<Long> all = new ArrayList<>();
        for (CompletableFuture<List<Long>> loop : loops) {
            all.addAll(loop.get(duration.toSeconds() + 120, TimeUnit.SECONDS));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(all.size(), errors.get(), seconds, all.stream().mapToLong(Long::longValue).toArray());
    }

    private static void loop(int worker, IntFunction<Future<?>> step, long end, List<Long> latencies,
            AtomicInteger errors, CompletableFuture<List<Long>> done) {
        if (System.nanoTime() >= end) {
            done.complete(latencies);
            return;
        }
        long t0 = System.nanoTime();
        step.apply(worker).onComplete(result -> {
            if (result.succeeded()) {
                latencies.add((System.nanoTime() - t0) / 1000);
            } else if (errors.incrementAndGet() <= 3) {
                System.err.println("error: " + result.cause().getMessage());
            }
            loop(worker, step, end, latencies, errors, done);
        });
    }

    /** The three calls the benchmark makes, on one pooled keep-alive client. */
    record Client(HttpClient http, String prefix) {

        Future<String> login(String email) {
            return token("grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                    + "&password=bench+password", "refresh_token");
        }

        Future<String> refresh(String refreshToken) {
            return token("grant_type=refresh_token&refresh_token=" + refreshToken, "refresh_token");
        }

        Future<JsonNode> signup(String email) {
            return post("/signup", "application/json",
                    "{\"email\":\"" + email + "\",\"password\":\"bench password\"}").map(user -> {
                        if (user.path("confirmed_at").isMissingNode()) {
                            throw new IllegalStateException("the benchmark needs GOTRUE_MAILER_AUTOCONFIRM=true");
                        }
                        return user;
                    });
        }

        private Future<String> token(String form, String field) {
            return post("/token", "application/x-www-form-urlencoded", form).map(body -> body.path(field).asText());
        }

        private Future<JsonNode> post(String path, String contentType, String body) {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(prefix + path)
                    .setHeaders(MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType))
                    .setTimeout(30_000);
            return http.request(options)
                    .compose(request -> request.send(Buffer.buffer(body)))
                    .compose(response -> response.body().map(answer -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(path + " answered " + response.statusCode() + " " + answer);
                        }
                        try {
                            return JSON.readTree(answer.getBytes());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
        }
    }
}
