package dev.tessera.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * Signup to inbox: signs users up at a steady rate (a share of the bcrypt bound, since a signup hashes a password)
 * against a suite that sends confirmation mails, and measures from each signup request to its mail's arrival at the
 * suite's SMTP server (the local run's GreenMail inbox, which notes when it received each mail). It prints p50 and
 * p99, mails lost, and where the time went, leg by leg, from the timestamps the path leaves behind: the mail
 * request's {@code requested_at} in mail-service's ledger, and the Kafka record's create time (the outbox relay's
 * send) and its arrival at a watcher of the mail topic. (The ledger's {@code sent_at} is taken after the SMTP
 * exchange, later than the inbox's receipt, so it marks no leg.)
 *
 * <p>Arguments: the suite's base URL, its inbox URL, its {@code DATABASE_URL}, its Kafka bootstrap servers and the
 * mail topic's name. Open loop: a signup is sent when it is due, whether or not the earlier ones were answered.
 */
public final class MailBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long mails may take to arrive after the last signup before the missing ones count as lost. */
    private static final Duration ARRIVAL_LIMIT = Duration.ofSeconds(60);
    /** The warm-up ends once the compilers take less than this share of the machine in a round. */
    private static final double COMPILING_SETTLED = 0.03;
    private static final int WARMUP_ROUNDS = 8;

    private MailBenchmark() {
    }

    /** One signup: when it was sent (epoch microseconds) and whether it was answered 200. */
    record Signup(String email, long sentMicros, boolean ok) {
    }

    /** A mail's request id and when user-service made the request (epoch microseconds), from the ledger. */
    record Ledger(String requestId, long requestedMicros) {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0].replaceAll("/+$", ""));
        URI inbox = URI.create(args[1].replaceAll("/+$", ""));
        String databaseUrl = args[2];
        int cost = intEnv("BENCH_BCRYPT_COST", 10);
        double share = Double.parseDouble(GrantBenchmark.env("BENCH_MAIL_SHARE", "0.3"));
        Duration warmup = Duration.ofSeconds(intEnv("BENCH_MAIL_WARMUP_SECONDS", 30));
        Duration window = Duration.ofSeconds(intEnv("BENCH_MAIL_SECONDS", 60));

        int cores = Runtime.getRuntime().availableProcessors();
        double bound = BcryptYardstick.allCoresPerSecond(cost);
        double rate = share * bound;
        System.out.printf(Locale.ROOT, "Signup to inbox against %s: %.1f signups/s, %.0f%% of the bcrypt bound "
                + "(%.1f hashes/s on %d cores), %d s after warm-up rounds of %d s%n", base, rate, 100 * share, bound,
                cores, window.toSeconds(), warmup.toSeconds());

        Vertx vertx = Vertx.vertx();
        JsonHttp http = new JsonHttp(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()), new PoolOptions().setHttp1MaxSize(32)),
                base.getPath());
        String run = Long.toHexString(System.currentTimeMillis());
        boolean clean;
        try (RelayedRecords relayed = new RelayedRecords(args[3], args[4])) {
            warmUp(vertx, http, "warm-" + run, rate, warmup);
            CpuSplit cpu = CpuSplit.begin();
            List<Signup> measured = drive(vertx, http, "mail-" + run, rate, window);
            Map<String, Long> arrived = awaitInbox(inbox, measured);
            cpu.print("signup to inbox", measured.size(), "signup");
            Map<String, Ledger> ledger = ledger(databaseUrl, "mail-" + run + "-%");
            RunRecord record = new RunRecord("mail");
            clean = report(measured, arrived, ledger, relayed, rate, record);
            record.write();
        } finally {
            vertx.close();
        }
        System.exit(clean ? 0 : 1);
    }

    /**
     * Signs up at the phase's rate in rounds of {@code round} until the JIT compiler threads took less than
     * {@link #COMPILING_SETTLED} of the machine in a round (at most {@link #WARMUP_ROUNDS}): the phase runs on a suite
     * started for it, and after one 30 s round its compilers still took a fifth of the machine, which queued signups
     * behind them and made the p99 a measure of the start rather than of the path.
     */
    static void warmUp(Vertx vertx, JsonHttp http, String prefix, double rate, Duration round) throws Exception {
        for (int n = 1; n <= WARMUP_ROUNDS; n++) {
            CpuSplit cpu = CpuSplit.begin();
            List<Signup> warm = drive(vertx, http, prefix + "-" + n, rate, round);
            double compiling = cpu.compilerShare();
            System.out.printf(Locale.ROOT, "warm-up round %d: %d signups, %d errors (JIT compilers %.1f%% of the "
                    + "machine)%n", n, warm.size(), warm.stream().filter(s -> !s.ok()).count(), 100 * compiling);
            if (compiling < COMPILING_SETTLED) {
                return;
            }
        }
    }

    /** Signs up {@code rate} users a second for {@code duration}; answers them once all were answered. */
    static List<Signup> drive(Vertx vertx, JsonHttp http, String prefix, double rate, Duration duration)
            throws Exception {
        List<CompletableFuture<Signup>> signups = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();
        vertx.setPeriodic(5, timer -> {
            double elapsed = (System.nanoTime() - start) / 1e9;
            long due = Math.min((long) (elapsed * rate), (long) (duration.toSeconds() * rate));
            while (signups.size() < due) {
                String email = prefix + "-" + signups.size() + "@example.com";
                long sent = micros(Instant.now());
                CompletableFuture<Signup> signup = new CompletableFuture<>();
                signups.add(signup);
                http.post("/signup", "application/json", JsonHttp.json(Map.of("email", email, "password",
                        GrantTarget.PASSWORD)), 200).onComplete(answer -> {
                            if (answer.failed()) {
                                System.err.println("error: " + answer.cause().getMessage());
                            }
                            signup.complete(new Signup(email, sent, answer.succeeded()));
                        });
            }
            if (elapsed >= duration.toSeconds()) {
                vertx.cancelTimer(timer);
                done.complete(null);
            }
        });
        done.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
        List<Signup> all = new ArrayList<>();
        for (CompletableFuture<Signup> signup : signups) {
            all.add(signup.get(60, TimeUnit.SECONDS));
        }
        return all;
    }

    /** When each answered signup's mail reached the inbox (epoch microseconds), waiting at most the limit. */
    static Map<String, Long> awaitInbox(URI inbox, List<Signup> signups) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long wanted = signups.stream().filter(Signup::ok).count();
        long deadline = System.nanoTime() + ARRIVAL_LIMIT.toNanos();
        Map<String, Long> arrived = new HashMap<>();
        while (true) {
            HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(inbox.resolve("/api/messages")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            arrived.clear();
            for (JsonNode message : JSON.readTree(answer.body())) {
                for (JsonNode to : message.path("to")) {
                    arrived.putIfAbsent(to.asText(), micros(Instant.parse(message.path("receivedAt").asText())));
                }
            }
            long found = signups.stream().filter(s -> s.ok() && arrived.containsKey(s.email())).count();
            if (found >= wanted || System.nanoTime() > deadline) {
                return arrived;
            }
            Thread.sleep(1000);
        }
    }

    /** mail-service's ledger rows of the run's recipients, by recipient. */
    static Map<String, Ledger> ledger(String databaseUrl, String recipients) throws Exception {
        URI url = URI.create(databaseUrl);
        String[] user = url.getUserInfo() == null ? new String[] {"postgres"} : url.getUserInfo().split(":", 2);
        String jdbc = "jdbc:postgresql://" + url.getHost() + ":" + (url.getPort() < 0 ? 5432 : url.getPort())
                + url.getPath();
        Map<String, Ledger> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, user[0], user.length > 1 ? user[1] : null);
                PreparedStatement s = c.prepareStatement("select recipient, request_id, requested_at "
                        + "from mail.sent_mail where recipient like ? and status = 'SENT'")) {
            s.setString(1, recipients);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), new Ledger(r.getString(2), micros(r.getTimestamp(3).toInstant())));
                }
            }
        }
        return rows;
    }

    /**
     * Prints the figures and keeps them in the run's record; true when every signup was answered and every mail
     * arrived.
     */
    static boolean report(List<Signup> signups, Map<String, Long> arrived, Map<String, Ledger> ledger,
            RelayedRecords relayed, double rate, RunRecord record) {
        long errors = signups.stream().filter(s -> !s.ok()).count();
        List<Signup> delivered = signups.stream().filter(s -> s.ok() && arrived.containsKey(s.email())).toList();
        long lost = signups.size() - errors - delivered.size();
        long[] total = delivered.stream().mapToLong(s -> arrived.get(s.email()) - s.sentMicros()).toArray();
        System.out.println();
        System.out.printf(Locale.ROOT, "signup to inbox: p50 %.1f ms, p99 %.1f ms (goal: p99 < 500 ms) at %.1f "
                + "signups/s; %d signups, %d errors, %d mails arrived, %d lost%n", percentile(total, 50),
                percentile(total, 99), rate, signups.size(), errors, delivered.size(), lost);
        record.figure("tessera.signup_to_inbox.per_second", rate);
        record.figure("tessera.signup_to_inbox.p50_ms", percentile(total, 50));
        record.figure("tessera.signup_to_inbox.p99_ms", percentile(total, 99));
        record.figure("tessera.signup_to_inbox.errors", errors);
        record.figure("tessera.signup_to_inbox.lost", lost);
        record.trace("Tessera", "signup to inbox", arrivalsPerSecond(signups, delivered, arrived), total);

        List<Signup> traced = delivered.stream().filter(s -> ledger.containsKey(s.email())
                && relayed.of(ledger.get(s.email()).requestId()) != null).toList();
        System.out.printf("where the time goes, p50 / p99 of each leg in ms (%d of the %d mails traced all the way):%n",
                traced.size(), delivered.size());
        leg("signup sent -> mail requested (user-service: HTTP, bcrypt, the user row)", traced,
                s -> ledger.get(s.email()).requestedMicros() - s.sentMicros());
        leg("mail requested -> relayed (the commit, the outbox relay's wait and read)", traced,
                s -> relayedOf(s, ledger, relayed).createdMillis() * 1000 - ledger.get(s.email()).requestedMicros());
        leg("relayed -> at a consumer (producer, broker, fetch)", traced,
                s -> (relayedOf(s, ledger, relayed).receivedMillis() - relayedOf(s, ledger, relayed).createdMillis())
                        * 1000);
        leg("at a consumer -> in the inbox (mail-service: its fetch, ledger, rendering, SMTP)", traced,
                s -> arrived.get(s.email()) - relayedOf(s, ledger, relayed).receivedMillis() * 1000);
        System.out.println("(each leg's percentiles are its own; the legs' p99s do not add up to the total's. Kafka "
                + "and the inbox time to the millisecond.)");
        return errors == 0 && lost == 0;
    }

    /** Mails arrived in each second from the first signup of the window. */
    private static int[] arrivalsPerSecond(List<Signup> signups, List<Signup> delivered, Map<String, Long> arrived) {
        long first = signups.stream().mapToLong(Signup::sentMicros).min().orElse(0);
        int[] counts = new int[(int) (delivered.stream().mapToLong(s -> arrived.get(s.email()) - first).max()
                .orElse(0) / 1_000_000) + 1];
        delivered.forEach(s -> counts[(int) ((arrived.get(s.email()) - first) / 1_000_000)]++);
        return counts;
    }

    private static RelayedRecords.Seen relayedOf(Signup s, Map<String, Ledger> ledger, RelayedRecords relayed) {
        return relayed.of(ledger.get(s.email()).requestId());
    }

    private static void leg(String name, List<Signup> traced, ToLongFunction<Signup> micros) {
        long[] values = traced.stream().mapToLong(micros).toArray();
        System.out.printf(Locale.ROOT, "  %-86s %7.1f / %7.1f%n", name, percentile(values, 50),
                percentile(values, 99));
    }

    static double percentile(long[] micros, double p) {
        return GrantBenchmark.percentileMillis(micros, p);
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(GrantBenchmark.env(name, String.valueOf(fallback)).trim());
    }
}
