package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Endpoints;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The signing-key rotation of docs/operations.md under load, as a deployment does it: two replicas of each service
 * behind the gateway and the internal balancers, the key moving from A to B in the documented steps, each a change of
 * {@code GOTRUE_JWT_KEYS} rolled out to every service replica by replica ({@link ServiceFleet#rollOut}: out of
 * rotation, drained, SIGTERM, started with the new setting, back in once ready; the four services roll at once, as
 * four Deployments would). Throughout, client workers log in, refresh and call {@code GET /user} through the gateway,
 * and every answer that is not a 200 counts as a failure: there must be none.
 *
 * <p>
 * Shortened for a test: the access-token lifetime ({@code GOTRUE_JWT_EXP}) is {@value #TOKEN_SECONDS} s, so step 3
 * waits that long; step 1's five-minute wait is for verifiers outside the suite that cache the published set, and is
 * left out since every replica here has the key set itself. Besides the workers' tokens, the test keeps an access token
 * auth-service minted under A before step 2 and calls {@code GET /user} with it until it expires; and, because a token
 * of {@value #TOKEN_SECONDS} s expires before A is retired, the same claims signed with A for an hour show what
 * retirement does: accepted while A is published, 401 once it is retired.
 *
 * <p>
 * Service logs are in {@code local-suite/target/e2e-logs/key-rotation/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRotationUnderLoadTest {

    private static final int REPLICAS = 2;
    private static final int WORKERS = 3;
    private static final int TOKEN_SECONDS = 40;
    private static final String SECRET = "e2e-secret-only-for-the-key-rotation-test-0123456789abc";
    private static final Path LOGS = Path.of("target", "e2e-logs", "key-rotation").toAbsolutePath();
    private static final String PASSWORD = "correct horse battery staple";
    private static final String FORM = "application/x-www-form-urlencoded";
    /**
     * How long a client and the internal calls wait. A replica's first requests after its start run on a cold JVM,
     * which on this shared machine (load 15 to 35) took longer than the 15 s auth-service waits for user-service by
     * default: a slow answer, not a failure of the rotation, which is what this test counts.
     */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration INTERNAL_TIMEOUT = Duration.ofSeconds(60);

    private TestStack stack;
    private Vertx vertx;
    private final List<Gateway> balancers = new ArrayList<>();
    private ServiceFleet fleet;
    private Gateway gateway;
    private PublicApi api;
    private EllipticCurveJsonWebKey keyA;
    private EllipticCurveJsonWebKey keyB;

    /** The step the rotation is in; every request is counted under the step it started in. */
    private volatile String step = "0: A signs";
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    /** The kid of each access token the workers got, by step. */
    private final Map<String, Set<String>> kidsIssued = new ConcurrentHashMap<>();

    @BeforeAll
    void startSuite() throws Exception {
        keyA = key("rotation-a-" + UUID.randomUUID().toString().substring(0, 8));
        keyB = key("rotation-b-" + UUID.randomUUID().toString().substring(0, 8));
        stack = TestStack.start(false);
        int gatewayPort = E2e.freePort();
        String base = "http://localhost:" + gatewayPort;
        api = new PublicApi(base, LOGS, CLIENT_TIMEOUT);

        Map<SuiteService, Integer> internal = E2e.freePorts();
        Map<SuiteService, List<Integer>> replicaPorts = E2e.freeReplicaPorts(REPLICAS);
        Map<String, String> env = ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), null, 0, base),
                internal, LocalSecrets.given(SECRET, "e2e-operator-" + UUID.randomUUID()));
        env.put("GOTRUE_JWT_KEYS", keys(keyA, "sign", keyB, null));
        env.put("GOTRUE_JWT_EXP", String.valueOf(TOKEN_SECONDS));
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "true");
        // Every worker is this machine and logs in again and again: the limits per address and account are defences
        // this test is not about, and the password hash's cost is CPU two cores need for eight JVMs.
        for (String limit : List.of("TESSERA_RATE_LIMIT_PASSWORD_PER_CLIENT", "TESSERA_RATE_LIMIT_PASSWORD_PER_ACCOUNT",
                "GOTRUE_RATE_LIMIT_TOKEN_REFRESH", "TESSERA_RATE_LIMIT_SIGNUP_PER_CLIENT")) {
            env.put(limit, "1000000/1h");
        }
        env.put("TESSERA_PASSWORD_BCRYPT_COST", "4");
        env.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        env.put("TESSERA_INTERNAL_CALL_BUDGET", INTERNAL_TIMEOUT.minusSeconds(1).toString());
        env.put("QUARKUS_REST_CLIENT_USER_SERVICE_READ_TIMEOUT", String.valueOf(INTERNAL_TIMEOUT.toMillis()));
        env.put("QUARKUS_REST_CLIENT_HOOK_SERVICE_READ_TIMEOUT", String.valueOf(INTERNAL_TIMEOUT.toMillis()));

        vertx = Vertx.vertx();
        Endpoints endpoints = Endpoints.of(replicaPorts);
        internal.forEach((service, port) -> balancers.add(Gateway.balancer(vertx, port, service, endpoints,
                AccessLog.to(LOGS.resolve(service.module() + "-balancer.log")))));
        fleet = ServiceFleet.start(new ServiceFleet.Launch(E2e.repoRoot(), replicaPorts, env, E2e.JVM_OPTIONS, LOGS,
                Duration.ofMinutes(12), false, endpoints), line -> {
                });
        gateway = Gateway.start(vertx, "localhost", gatewayPort, endpoints, AccessLog.to(LOGS.resolve(
                "gateway.log")), null, null);
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway);
        balancers.forEach(Gateway::close);
        E2e.closeInOrder(E2e.closing(vertx), fleet, stack);
    }

    @Test
    void theSigningKeyMovesFromAToBReplicaByReplicaWithoutOneFailedRequest() throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            String email = "rotation-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            PublicApi.ok(api.call("POST", "/signup", "application/json",
                    new JsonObject().put("email", email).put("password", PASSWORD).encode()));
            emails.add(email);
        }
        assertPublished(Set.of(keyA.getKeyId()));

        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
        List<CompletableFuture<Void>> workers = emails.stream()
                .map(email -> CompletableFuture.runAsync(() -> work(email, running), pool)).toList();
        try {
            pause(Duration.ofSeconds(5));

            step("1: B standby");
            rollOut(keys(keyA, "sign", keyB, "verify"));
            assertPublished(Set.of(keyA.getKeyId(), keyB.getKeyId()));
            String underA = login(emails.get(0));
            assertEquals(keyA.getKeyId(), kid(underA), "A still signs");
            String longUnderA = resign(underA, keyA);
            String longUnderB = resign(underA, keyB);
            assertEquals(200, user(longUnderB).status(), "a standby key is accepted before it signs");

            step("2: B signs, A verify-only");
            Instant exp = Instant.ofEpochSecond(claims(underA).getLong("exp"));
            CompletableFuture<Integer> keptChecks = CompletableFuture.supplyAsync(() -> useUntil(underA, exp), pool);
            rollOut(keys(keyA, "verify", keyB, "sign"));
            assertPublished(Set.of(keyA.getKeyId(), keyB.getKeyId()));
            String underB = login(emails.get(0));
            assertEquals(keyB.getKeyId(), kid(underB), "once the rollout is done, B signs everywhere");
            assertEquals(200, user(longUnderA).status(), "A verifies after step 2");

            step("3: one token lifetime");
            pause(Duration.ofSeconds(TOKEN_SECONDS + 2));
            int kept = keptChecks.get(2, TimeUnit.MINUTES);
            assertTrue(kept > 0, "the token minted under A was used before it expired");
            assertEquals(200, user(longUnderA).status(), "A verifies after step 3");

            step("4: A retired");
            rollOut(keys(keyA, "", keyB, "sign"));
            assertPublished(Set.of(keyB.getKeyId()));
            Reply refused = user(longUnderA);
            assertEquals(401, refused.status(), refused.describe());
            assertEquals(401, refused.json().getInteger("code"), "GoTrue's error shape: " + refused.body());
            assertEquals(401, user(underA).status(), "the kept A token, expired and retired");
            // underB itself has expired during the rollout (its lifetime is TOKEN_SECONDS); B's long-lived twin and a
            // fresh login stand for it.
            assertEquals(200, user(longUnderB).status(), "a token under B answers as before");
            assertEquals(200, user(login(emails.get(0))).status(), "a token minted after A was retired answers");

            step("5: after");
            pause(Duration.ofSeconds(3));
        } finally {
            running.set(false);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            pool.shutdownNow();
        }
        String counts = counts();
        System.out.println("Key rotation under load, requests and failures per step:\n" + counts);
        int total = failures.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(0, total, "failed requests per step:\n" + counts + "first failures:\n"
                + String.join("\n", failed.stream().limit(20).toList()) + "\n(logs in " + LOGS + ")");
        assertTrue(requests.keySet().containsAll(List.of("1: B standby", "2: B signs, A verify-only",
                "4: A retired")), "the workers ran through every rollout: " + requests.keySet());
        assertEquals(Set.of(keyB.getKeyId()), kidsIssued.get("4: A retired"), "only B signs once A is retired");
    }

    /** A worker: password grant, refresh, {@code GET /user}, again, until told to stop. */
    private void work(String email, AtomicBoolean running) {
        while (running.get()) {
            String during = step;
            Reply login = counted(during, () -> api.call("POST", "/token", FORM, "grant_type=password&username="
                    + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                    + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)));
            if (login == null) {
                continue;
            }
            during = step;
            String refreshToken = login.json().getString("refresh_token");
            Reply refreshed = counted(during, () -> api.call("POST", "/token", FORM,
                    "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(refreshToken,
                            StandardCharsets.UTF_8)));
            if (refreshed == null) {
                continue;
            }
            String access = refreshed.json().getString("access_token");
            kidsIssued.computeIfAbsent(during, s -> ConcurrentHashMap.newKeySet()).add(kid(access));
            String used = step;
            counted(used, () -> user(access));
        }
    }

    /** Calls {@code GET /user} with {@code token} about every second until a few seconds before {@code exp}. */
    private int useUntil(String token, Instant exp) {
        int calls = 0;
        // A margin for the services' clock check and a slow answer: the token must still be valid when it arrives.
        while (Instant.now().isBefore(exp.minusSeconds(5))) {
            String during = step;
            counted(during + " (kept A token)", () -> user(token));
            calls++;
            pause(Duration.ofSeconds(1));
        }
        return calls;
    }

    private interface Call {
        Reply send() throws Exception;
    }

    /** Sends a request counted under {@code during}; answers it when 200, else records the failure and gives null. */
    private Reply counted(String during, Call call) {
        requests.computeIfAbsent(during, s -> new AtomicInteger()).incrementAndGet();
        try {
            Reply reply = call.send();
            if (reply.status() == 200) {
                return reply;
            }
            fail(during, reply.describe());
        } catch (Exception e) {
            fail(during, e.toString());
        }
        return null;
    }

    private void fail(String during, String what) {
        failures.computeIfAbsent(during, s -> new AtomicInteger()).incrementAndGet();
        failed.add(Instant.now() + " [" + during + "] " + what);
    }

    private String counts() {
        StringBuilder table = new StringBuilder();
        new TreeMap<>(requests).forEach((during, n) -> table.append("  ").append(during).append(": ").append(n)
                .append(" requests, ").append(failures.getOrDefault(during, new AtomicInteger()).get())
                .append(" failed").append(kidsIssued.containsKey(during) ? ", kids issued " + new TreeSet<>(
                        kidsIssued.get(during)) : "").append('\n'));
        return table.toString();
    }

    private void step(String next) {
        System.out.println(Instant.now() + " rotation step " + next);
        step = next;
    }

    /** Rolls {@code keys} out to every service at once, each replica by replica, and waits for all four rollouts. */
    private void rollOut(String keys) {
        List<CompletableFuture<Void>> rollouts = new ArrayList<>();
        for (SuiteService service : SuiteService.values()) {
            rollouts.add(CompletableFuture.runAsync(() -> fleet.rollOut(service, Map.of("GOTRUE_JWT_KEYS", keys))));
        }
        CompletableFuture.allOf(rollouts.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Every auth-service replica publishes exactly {@code kids}. The balancer takes turns over all requests, the
     * workers' included, so a few of this test's own may all land on one replica: it asks until both have answered,
     * and every answer must hold the set.
     */
    private void assertPublished(Set<String> kids) throws Exception {
        Map<String, Set<String>> byReplica = new TreeMap<>();
        for (int i = 0; i < REPLICAS * 20 && byReplica.size() < REPLICAS; i++) {
            Reply reply = PublicApi.ok(api.call("GET", "/.well-known/jwks.json", null, null));
            JsonArray keys = reply.json().getJsonArray("keys");
            Set<String> published = new TreeSet<>();
            for (int k = 0; k < keys.size(); k++) {
                published.add(keys.getJsonObject(k).getString("kid"));
            }
            assertEquals(kids, published, reply.replica() + " publishes");
            byReplica.put(reply.replica(), published);
        }
        assertEquals(REPLICAS, byReplica.size(), "both auth-service replicas answered: " + byReplica);
    }

    private String login(String email) throws Exception {
        return PublicApi.ok(api.call("POST", "/token", FORM, "grant_type=password&username="
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))).json().getString("access_token");
    }

    private Reply user(String token) throws Exception {
        return api.call("GET", "/user", null, null, "Authorization", "Bearer " + token);
    }

    /** The claims of {@code token}, signed with {@code key} and valid for an hour. */
    private static String resign(String token, EllipticCurveJsonWebKey key) throws Exception {
        JsonObject claims = claims(token);
        claims.put("exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.encode());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setHeader("typ", "JWT");
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private static JsonObject claims(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8));
    }

    private static String kid(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
                StandardCharsets.UTF_8)).getString("kid");
    }

    private static EllipticCurveJsonWebKey key(String kid) throws Exception {
        EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId(kid);
        return key;
    }

    /**
     * {@code GOTRUE_JWT_KEYS} with A and B in the given states: "sign" (signing), "verify" (standby or verify-only),
     * "" (retired: {@code key_ops: []}), null (absent).
     */
    private static String keys(EllipticCurveJsonWebKey a, String aState, EllipticCurveJsonWebKey b, String bState) {
        JsonArray set = new JsonArray();
        Map<EllipticCurveJsonWebKey, String> states = new LinkedHashMap<>();
        states.put(a, aState);
        states.put(b, bState);
        states.forEach((key, state) -> {
            if (state == null) {
                return;
            }
            JsonObject jwk = new JsonObject(key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            JsonArray ops = new JsonArray();
            if (state.equals("sign")) {
                ops.add("sign").add("verify");
            } else if (state.equals("verify")) {
                ops.add("verify");
            }
            set.add(jwk.put("key_ops", ops));
        });
        return set.encode();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
