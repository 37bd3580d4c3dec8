package dev.tessera.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Drives the password and refresh-token grants of a running suite through its public base URL and prints, from this
 * one run: password logins per second as a fraction of the bcrypt bound (cores divided by the time of one hash at
 * the suite's cost, measured here with the same library), refresh grants per second, and p50/p99 latencies.
 *
 * <p>The load is closed-loop: each worker sends its next request when the previous answer arrived. Client and
 * server share the machine, as on a single-node deployment.
 */
public final class GrantBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4)).build();

    private GrantBenchmark() {
    }

    record Settings(String base, int cost, int users, int loginWorkers, int refreshWorkers, Duration loginTime,
            Duration refreshTime, Duration warmup) {
        static Settings from(String[] args) {
            String base = args.length > 0 ? args[0] : "http://localhost:8081";
            return new Settings(base.replaceAll("/+$", ""), intEnv("BENCH_BCRYPT_COST", 10), intEnv("BENCH_USERS", 16),
                    intEnv("BENCH_LOGIN_WORKERS", 2 * Runtime.getRuntime().availableProcessors()),
                    intEnv("BENCH_REFRESH_WORKERS", 16), Duration.ofSeconds(intEnv("BENCH_LOGIN_SECONDS", 20)),
                    Duration.ofSeconds(intEnv("BENCH_REFRESH_SECONDS", 20)), Duration.ofSeconds(intEnv("BENCH_WARMUP_SECONDS", 5)));
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
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.from(args);
        base = settings.base();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("Tessera grant benchmark against %s (%d cores, bcrypt cost %d)%n", settings.base(), cores,
                settings.cost());

        double hashSeconds = bcryptSeconds(settings.cost());
        double bound = cores / hashSeconds;
        System.out.printf(Locale.ROOT, "bcrypt: one hash takes %.1f ms here, so the bound is %.1f logins/s%n",
                hashSeconds * 1000, bound);

        List<String> emails = createUsers(settings);
        run(settings.warmup(), settings.loginWorkers(), worker -> login(emails.get(worker % emails.size())));
        Result logins = run(settings.loginTime(), settings.loginWorkers(), worker -> login(emails.get(worker % emails.size())));

        String[] chains = new String[settings.refreshWorkers()];
        for (int i = 0; i < chains.length; i++) {
            chains[i] = tokenOf(login(emails.get(i % emails.size())), "refresh_token");
        }
        run(settings.warmup(), settings.refreshWorkers(), worker -> chains[worker] = tokenOf(refresh(chains[worker]), "refresh_token"));
        Result refreshes = run(settings.refreshTime(), settings.refreshWorkers(),
                worker -> chains[worker] = tokenOf(refresh(chains[worker]), "refresh_token"));

        System.out.println();
        System.out.printf(Locale.ROOT, "password grant: %.1f logins/s = %.2f of the bcrypt bound (goal: at least 0.90); "
                + "p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d workers%n", logins.perSecond(),
                logins.perSecond() / bound, logins.percentileMillis(50), logins.percentileMillis(99), logins.requests(),
                logins.errors(), settings.loginWorkers());
        System.out.printf(Locale.ROOT, "refresh grant:  %.1f grants/s = %.1fx the 212/s Keycloak 26 answered on this kind "
                + "of machine (goal: at least 5x); p50 %.1f ms, p99 %.1f ms; %d requests, %d errors, %d workers%n",
                refreshes.perSecond(), refreshes.perSecond() / 212.0, refreshes.percentileMillis(50),
                refreshes.percentileMillis(99), refreshes.requests(), refreshes.errors(), settings.refreshWorkers());
        System.exit(logins.errors() + refreshes.errors() == 0 ? 0 : 1);
    }

    /** The mean time of one bcrypt hash on one core, with the cost and library user-service uses. */
    static double bcryptSeconds(int cost) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] password = "benchmark password".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            OpenBSDBCrypt.generate("2a", password, salt, cost);
        }
        int rounds = 12;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            OpenBSDBCrypt.generate("2a", password, salt, cost);
        }
        return (System.nanoTime() - start) / 1e9 / rounds;
    }

    static List<String> createUsers(Settings settings) throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < settings.users(); i++) {
            String email = "bench-" + Long.toHexString(System.nanoTime()) + "-" + i + "@example.com";
            HttpResponse<String> signup = send(HttpRequest.newBuilder(URI.create(settings.base() + "/signup"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"bench password\"}")));
            JsonNode user = JSON.readTree(signup.body());
            if (signup.statusCode() != 200 || user.path("confirmed_at").isMissingNode()) {
                throw new IllegalStateException("the benchmark needs GOTRUE_MAILER_AUTOCONFIRM=true; signup answered "
                        + signup.statusCode() + " " + signup.body());
            }
            emails.add(email);
        }
        return emails;
    }

    interface Step {
        void run(int worker) throws Exception;
    }

    static Result run(Duration duration, int workers, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        List<Future<List<Long>>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            futures.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        step.run(worker);
                        latencies.add((System.nanoTime() - t0) / 1000);
                    } catch (Exception e) {
                        if (errors.incrementAndGet() <= 3) {
                            System.err.println("error: " + e.getMessage());
                        }
                    }
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result(all.size(), errors.get(), seconds, all.stream().mapToLong(Long::longValue).toArray());
    }

    /** The suite's public base URL, set once from the arguments. */
    private static String base;

    static HttpResponse<String> login(String email) throws Exception {
        return token("grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                + "&password=bench+password");
    }

    static HttpResponse<String> refresh(String refreshToken) throws Exception {
        return token("grant_type=refresh_token&refresh_token=" + refreshToken);
    }

    static HttpResponse<String> token(String form) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/token answered " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    static String tokenOf(HttpResponse<String> response, String field) throws Exception {
        return JSON.readTree(response.body()).path(field).asText();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
