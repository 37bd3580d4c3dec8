package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.jose4j.jwt.JwtClaims;

import com.sun.net.httpserver.HttpServer;

import dev.tessera.platform.testing.FakeGitHub;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.Poll;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Identity functions end to end: user-service, auth-service and hook-service as separate processes from their
 * built jars behind the gateway, a real Node function host running hook-service's adapter and the real
 * {@code @netlify/identity}, and a webhook endpoint in this JVM.
 *
 * <ul>
 * <li>A function lists users through the gateway with {@code clientContext.identity.token}, against user-service's
 * real admin API; the seed's protected function sees the logged-in caller.</li>
 * <li>A usermodified webhook that keeps failing is retried; hook-service is killed mid-series, an event is
 * published while it is down, and after a restart both are delivered, each event exactly once.</li>
 * <li>The synchronous validate, signup and login hooks (the same webhook, signed): each runs once per action, a
 * refusal leaves no user behind, and the metadata a hook answers is in the signup answer and in the access
 * token.</li>
 * </ul>
 * Service logs go to {@code local-suite/target/e2e-logs/functions/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionsEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-functions-test-0123456789";
    private static final String OPERATOR = "e2e-operator-token-functions";
    private static final String WEBHOOK_SECRET = "e2e-webhook-secret-0123456789";
    private static final String GITHUB_CLIENT = "e2e-github-client";
    private static final String GITHUB_SECRET = "e2e-github-client-secret";
    private static final Duration ASYNC = Duration.ofSeconds(120);
    private static final Path LOGS = Path.of("target", "e2e-logs", "functions").toAbsolutePath();
    private static final List<SuiteService> SERVICES = List.of(SuiteService.USER, SuiteService.AUTH,
            SuiteService.HOOK);

    private Path root;
    private TestStack stack;
    private final Map<SuiteService, ChildProcess> processes = new EnumMap<>(SuiteService.class);
    private final Map<SuiteService, Integer> ports = new EnumMap<>(SuiteService.class);
    private Map<String, String> serviceEnv;
    private Process functionHost;
    private HttpServer webhook;
    private final List<JsonObject> webhookCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger webhookStatus = new AtomicInteger(503);
    private FakeGitHub github;
    private Vertx vertx;
    private Gateway gateway;
    private PublicApi api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String email = "fn-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    private final String password = "function password 123";
    private String userId;

    @BeforeAll
    void startSuite() throws Exception {
        root = E2e.repoRoot();
        for (SuiteService service : SERVICES) {
            Path jar = service.runnableJar(root);
            assertTrue(Files.isRegularFile(jar), service.module() + " is not built: " + jar);
        }
        stack = TestStack.start(false);
        int functionsPort = startFunctionHost();
        startWebhook();
        int gatewayPort = E2e.freePort();
        String base = "http://localhost:" + gatewayPort;
        api = new PublicApi(base, LOGS);
        for (SuiteService service : SERVICES) {
            ports.put(service, E2e.freePort());
        }
        Map<String, String> env = ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), null, 0, base),
                ports, LocalSecrets.given(SECRET, OPERATOR));
        env.put("GOTRUE_SITE_URL", base);
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "true");
        env.put("TESSERA_FUNCTIONS_URL", "http://127.0.0.1:" + functionsPort);
        env.put("TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS", "true");
        env.put("GOTRUE_WEBHOOK_URL", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/webhook");
        env.put("GOTRUE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("GOTRUE_WEBHOOK_EVENTS", "validate,signup,login,usermodified,userdeleted");
        env.put("TESSERA_HOOKS_BACKGROUND_ATTEMPTS", "1000");
        env.put("TESSERA_HOOKS_BACKGROUND_INITIAL_BACKOFF", "200ms");
        env.put("TESSERA_HOOKS_BACKGROUND_MAX_BACKOFF", "500ms");
        env.put("TESSERA_HOOKS_BACKGROUND_TIMEOUT", "2s");
        // A fresh topic prefix: read it from the start, whatever the timing of the first partition assignment.
        env.put("TESSERA_HOOKS_BACKGROUND_OFFSET_RESET", "earliest");
        github = new FakeGitHub(GITHUB_CLIENT, GITHUB_SECRET);
        env.put("GOTRUE_EXTERNAL_GITHUB_ENABLED", "true");
        env.put("GOTRUE_EXTERNAL_GITHUB_CLIENT_ID", GITHUB_CLIENT);
        env.put("GOTRUE_EXTERNAL_GITHUB_SECRET", GITHUB_SECRET);
        env.put("GOTRUE_EXTERNAL_GITHUB_REDIRECT_URI", base + "/.netlify/identity/callback");
        env.put("GOTRUE_EXTERNAL_GITHUB_URL", github.url());
        serviceEnv = env;
        for (SuiteService service : SERVICES) {
            start(service, service.module());
        }
        for (SuiteService service : SERVICES) {
            awaitReady(service);
        }
        vertx = Vertx.vertx();
        gateway = Gateway.start(vertx, "localhost", gatewayPort, ports, AccessLog.to(LOGS.resolve("gateway.log")));
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway, E2e.closing(vertx));
        processes.values().forEach(ChildProcess::requestStop);
        processes.values().forEach(p -> p.awaitStop(Duration.ofSeconds(20)));
        if (functionHost != null) {
            functionHost.destroy();
            if (!functionHost.waitFor(10, TimeUnit.SECONDS)) {
                functionHost.destroyForcibly();
            }
        }
        if (webhook != null) {
            webhook.stop(0);
        }
        if (github != null) {
            github.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aFunctionListsUsersWithTheAdminTokenThroughTheGateway() throws Exception {
        Reply signup = call("POST", "/signup", "application/json",
                new JsonObject().put("email", email).put("password", password).encode());
        assertEquals(200, signup.status(), signup.describe());
        userId = signup.json().getString("id");

        Reply listed = call("GET", "/.netlify/functions/list-users", null, null);
        assertEquals(200, listed.status(), listed.describe());
        JsonArray emails = listed.json().getJsonArray("emails");
        assertTrue(emails.contains(email), listed.describe());

        Reply raw = call("GET", "/.netlify/functions/list-users-raw", null, null);
        assertEquals(200, raw.status(), raw.describe());
        assertEquals(200, raw.json().getInteger("status"), raw.describe());
        assertTrue(raw.json().getJsonArray("emails").contains(email), raw.describe());
    }

    @Test
    @Order(2)
    void theSeedsProtectedFunctionSeesTheLoggedInUser() throws Exception {
        Reply tokens = call("POST", "/token", "application/x-www-form-urlencoded", "grant_type=password&username="
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8));
        assertEquals(200, tokens.status(), tokens.describe());
        String jwt = tokens.json().getString("access_token");

        Reply mine = call("GET", "/.netlify/functions/protected", null, null, "Authorization", "Bearer " + jwt);
        assertEquals(200, mine.status(), mine.describe());
        assertEquals(new JsonObject().put("id", userId).put("email", email), mine.json());

        Reply anonymous = call("GET", "/.netlify/functions/protected", null, null);
        assertEquals(401, anonymous.status(), anonymous.describe());
        Reply eventFunction = call("POST", "/.netlify/functions/identity-signup", "application/json", "{}");
        assertEquals(404, eventFunction.status(), "event functions are not public: " + eventFunction.describe());
    }

    @Test
    @Order(3)
    void backgroundWebhooksSurviveAHookServiceCrash() throws Exception {
        Reply updated = call("PUT", "/admin/users/" + userId, "application/json",
                new JsonObject().put("user_metadata", new JsonObject().put("plan", "pro")).encode(),
                "Authorization", "Bearer " + OPERATOR);
        assertEquals(200, updated.status(), updated.describe());

        // The webhook keeps answering 503: hook-service retries the usermodified delivery with backoff.
        Poll.until("the usermodified webhook was not retried", ASYNC).every(Duration.ofMillis(100))
                .check(() -> calls("identity_usermodified").size() >= 2);
        String modifiedEvent = calls("identity_usermodified").get(0).getString("event_id");
        assertTrue(calls("identity_usermodified").stream().allMatch(c -> c.getString("event_id").equals(modifiedEvent)));

        // Crash it mid-series (SIGKILL: nothing is acknowledged or committed on the way out).
        ChildProcess hook = processes.get(SuiteService.HOOK);
        ProcessHandle.of(hook.pid()).ifPresent(ProcessHandle::destroyForcibly);
        assertTrue(hook.waitFor(Duration.ofSeconds(30)), "hook-service is gone");
        int attemptsBeforeCrash = calls("identity_usermodified").size();

        // While it is down the user is deleted; the event waits on the topic.
        Reply deleted = call("DELETE", "/admin/users/" + userId, null, null, "Authorization", "Bearer " + OPERATOR);
        assertEquals(200, deleted.status(), deleted.describe());

        webhookStatus.set(200);
        start(SuiteService.HOOK, "hook-service-restarted");
        awaitReady(SuiteService.HOOK);

        Poll.until("the deliveries did not resume after the restart", ASYNC).every(Duration.ofMillis(200))
                .check(() -> delivered("identity_usermodified") == 1 && delivered("identity_userdeleted") == 1);
        assertTrue(calls("identity_usermodified").size() > attemptsBeforeCrash, "retried after the restart");
        assertEquals(modifiedEvent, calls("identity_usermodified").stream().filter(c -> c.getInteger("answered") == 200)
                .findFirst().orElseThrow().getString("event_id"), "the same event, by id");
        JsonObject deletedCall = calls("identity_userdeleted").get(0);
        assertEquals("userdeleted", deletedCall.getJsonObject("body").getString("event"));
        assertEquals(userId, deletedCall.getJsonObject("body").getJsonObject("user").getString("id"));

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select status, attempts from hooks.delivery where event_id = ?")) {
            s.setString(1, modifiedEvent);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "a delivery row for " + modifiedEvent);
                assertEquals("delivered", rs.getString(1));
                // The kill may land between a webhook's answer and the write that records that attempt, so the row
                // can lag the calls by one: at least the first attempt before the crash and the one after it.
                assertTrue(rs.getInt(2) >= 2, "attempts before and after the crash: " + rs.getInt(2));
            }
        }
        // Nothing more arrives for either event once they are delivered.
        int settled = webhookCalls.size();
        Thread.sleep(1500);
        assertEquals(settled, webhookCalls.size(), "no delivery after success: " + webhookCalls);
    }

    // --- the function host, the webhook and the services ---

    private int startFunctionHost() throws Exception {
        Path adapter = root.resolve("hook-service/adapters/node");
        Path npmLog = LOGS.resolve("npm-ci.log");
        Files.createDirectories(LOGS);
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                .directory(adapter.toFile()).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
        assertTrue(npm.waitFor(5, TimeUnit.MINUTES), "npm ci finished");
        assertEquals(0, npm.exitValue(), Files.readString(npmLog));
        Path log = LOGS.resolve("function-host.log");
        functionHost = new ProcessBuilder("node", "bin/tessera-functions.mjs", "--dir", "examples/functions",
                "--port", "0", "--host", "127.0.0.1")
                .directory(adapter.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
        int[] port = new int[1];
        Poll.until("the Node function host did not start (" + log + ")", Duration.ofSeconds(60))
                .every(Duration.ofMillis(100))
                .check(() -> {
                    Matcher m = listening.matcher(Files.readString(log));
                    if (m.find()) {
                        port[0] = Integer.parseInt(m.group(1));
                        return true;
                    }
                    return false;
                });
        return port[0];
    }

    private void startWebhook() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        webhook.setExecutor(Executors.newFixedThreadPool(4));
        webhook.createContext("/webhook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String event = exchange.getRequestHeaders().getFirst("X-Netlify-Event");
            if (SYNC_EVENTS.contains(event)) {
                answerSynchronousHook(exchange, event, body);
                return;
            }
            int status = webhookStatus.get();
            webhookCalls.add(new JsonObject()
                    .put("event", exchange.getRequestHeaders().getFirst("X-Netlify-Event"))
                    .put("event_id", exchange.getRequestHeaders().getFirst("X-Tessera-Event-Id"))
                    .put("signed", exchange.getRequestHeaders().getFirst("X-Webhook-Signature") != null)
                    .put("body", new JsonObject(new String(body, StandardCharsets.UTF_8)))
                    .put("answered", status));
            exchange.sendResponseHeaders(status, -1);
            try (OutputStream ignored = exchange.getResponseBody()) {
                // no body
            }
        });
        webhook.start();
    }

    private static final List<String> SYNC_EVENTS = List.of("identity_validate", "identity_signup", "identity_login");
    private final List<JsonObject> hookCalls = new CopyOnWriteArrayList<>();

    /**
     * The synchronous hooks: an address containing "blocked" is refused (403); one starting with "hooked-" gets roles,
     * "member" when validated and "member" and "editor" at login; everything else, and every signup hook, changes
     * nothing (204), so the other tests' users see no metadata change (and no usermodified webhook).
     */
    private void answerSynchronousHook(com.sun.net.httpserver.HttpExchange exchange, String event, byte[] body)
            throws IOException {
        JsonObject request = new JsonObject(new String(body, StandardCharsets.UTF_8));
        String signature = exchange.getRequestHeaders().getFirst("X-Webhook-Signature");
        hookCalls.add(new JsonObject().put("event", event).put("email", request.getJsonObject("user").getString("email"))
                .put("signatureValid", signatureMatches(signature, body)));
        String email = request.getJsonObject("user").getString("email");
        byte[] answer = null;
        int status;
        if (email.contains("blocked")) {
            status = 403;
        } else if (event.equals("identity_signup") || !email.startsWith("hooked-")) {
            status = 204;
        } else {
            status = 200;
            JsonArray roles = event.equals("identity_login") ? new JsonArray().add("member").add("editor")
                    : new JsonArray().add("member");
            JsonObject current = request.getJsonObject("user").getJsonObject("app_metadata", new JsonObject());
            answer = new JsonObject().put("app_metadata", new JsonObject()
                    .put("provider", current.getString("provider", "email")).put("roles", roles))
                    .encode().getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer == null ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (answer != null) {
                out.write(answer);
            }
        }
    }

    /** GoTrue's x-webhook-signature: an HS256 JWT over the webhook secret whose sha256 claim is the body's hash. */
    private static boolean signatureMatches(String signature, byte[] body) {
        if (signature == null) {
            return false;
        }
        try {
            org.jose4j.jwt.JwtClaims claims = new org.jose4j.jwt.consumer.JwtConsumerBuilder()
                    .setVerificationKey(new org.jose4j.keys.HmacKey(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8)))
                    .setRelaxVerificationKeyValidation().setSkipDefaultAudienceValidation().build()
                    .processToClaims(signature);
            String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
            return "gotrue".equals(claims.getIssuer()) && sha256.equals(claims.getStringClaimValue("sha256"));
        } catch (Exception e) {
            return false;
        }
    }

    private List<String> hooksFor(String address) {
        return hookCalls.stream().filter(c -> address.equals(c.getString("email"))).map(c -> c.getString("event")).toList();
    }

    @Test
    @Order(4)
    void synchronousHooksRunOncePerActionBlockAndShapeTheToken() throws Exception {
        String blocked = "blocked-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Reply refused = call("POST", "/signup", "application/json",
                new JsonObject().put("email", blocked).put("password", password).encode());
        assertEquals(422, refused.status(), refused.describe());
        assertEquals("Failed to handle signup webhook", refused.json().getString("msg"));
        assertEquals(List.of("identity_validate", "identity_validate", "identity_validate"), hooksFor(blocked),
                "a refusal is retried GOTRUE_WEBHOOK_RETRIES times, in one action");
        Reply none = call("GET", "/admin/users?filter=" + URLEncoder.encode(blocked, StandardCharsets.UTF_8), null, null,
                "Authorization", "Bearer " + OPERATOR);
        assertEquals(0, none.json().getJsonArray("users").size(), "nothing was created: " + none.describe());

        String hooked = "hooked-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Reply signup = call("POST", "/signup", "application/json",
                new JsonObject().put("email", hooked).put("password", password).encode());
        assertEquals(200, signup.status(), signup.describe());
        assertEquals(new JsonArray().add("member"), signup.json().getJsonObject("app_metadata").getJsonArray("roles"));
        assertEquals(List.of("identity_validate", "identity_signup"), hooksFor(hooked), "validate, then signup (autoconfirm)");

        Reply tokens = call("POST", "/token", "application/x-www-form-urlencoded", "grant_type=password&username="
                + URLEncoder.encode(hooked, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8));
        assertEquals(200, tokens.status(), tokens.describe());
        org.jose4j.jwt.JwtClaims claims = new org.jose4j.jwt.consumer.JwtConsumerBuilder()
                .setVerificationKey(new org.jose4j.keys.HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation().build()
                .processToClaims(tokens.json().getString("access_token"));
        assertEquals(List.of("member", "editor"), ((Map<?, ?>) claims.getClaimValue("app_metadata")).get("roles"),
                "the login hook's answer is in the token");
        assertEquals(List.of("identity_validate", "identity_signup", "identity_login"), hooksFor(hooked));
        assertTrue(hookCalls.stream().allMatch(c -> c.getBoolean("signatureValid")), "every hook call is signed: " + hookCalls);
    }

    @Test
    @Order(5)
    void oauthSignInsRunEachHookOncePerPathThroughTheGateway() throws Exception {
        String hooked = "hooked-oauth-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        FakeGitHub.Account account = FakeGitHub.Account.of("Ada Lovelace",
                new FakeGitHub.Email("unverified-" + hooked, false, false), new FakeGitHub.Email(hooked, true, true));

        Map<String, String> first = signInWithGitHub(account);
        JwtClaims firstToken = verified(first.get("access_token"));
        assertEquals(hooked, firstToken.getClaimValueAsString("email"));
        Map<?, ?> appMetadata = (Map<?, ?>) firstToken.getClaimValue("app_metadata");
        assertEquals("github", appMetadata.get("provider"));
        assertEquals(List.of("member"), appMetadata.get("roles"), "the validate hook's answer is in the first token");
        assertEquals("Ada Lovelace", ((Map<?, ?>) firstToken.getClaimValue("user_metadata")).get("full_name"));
        assertEquals(List.of("identity_validate", "identity_signup"), hooksFor(hooked),
                "a first sign-in creates (validate) and confirms (signup) the user, once each");

        Map<String, String> second = signInWithGitHub(account);
        assertEquals(List.of("member", "editor"),
                ((Map<?, ?>) verified(second.get("access_token")).getClaimValue("app_metadata")).get("roles"),
                "the login hook's answer is in the second token");
        signInWithGitHub(account);
        assertEquals(List.of("identity_validate", "identity_signup", "identity_login", "identity_login"),
                hooksFor(hooked), "later sign-ins run the login hook only, once each");
        assertTrue(hooksFor("unverified-" + hooked).isEmpty(), "one user, under the primary address");

        Reply user = call("GET", "/.netlify/identity/user", null, null, "Authorization",
                "Bearer " + second.get("access_token"));
        assertEquals(200, user.status(), user.describe());
        assertEquals(firstToken.getSubject(), user.json().getString("id"), "the same user each time");
        assertTrue(user.json().getString("confirmed_at") != null, user.describe());

        String id = firstToken.getSubject();
        List<String> types = stack.awaitRecords(dev.tessera.platform.event.Topic.EVENTS, seen -> seen.stream()
                .filter(r -> id.equals(r.key()) && r.value().contains("session.login")).count() >= 2, ASYNC)
                .stream().filter(r -> id.equals(r.key()))
                .map(r -> new JsonObject(r.value()).getString("type")).toList();
        assertEquals(1, types.stream().filter("dev.tessera.user.signup.v1"::equals).count(), types.toString());
        assertEquals(1, types.stream().filter("dev.tessera.user.confirmed.v1"::equals).count(), types.toString());
        assertEquals(2, types.stream().filter("dev.tessera.session.login.v1"::equals).count(),
                "the first sign-in is a signup, not a login: " + types);

        String blocked = "blocked-oauth-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String refused = signInWithGitHubExpectingRedirect(FakeGitHub.Account.of("Mallory",
                new FakeGitHub.Email(blocked, true, true)));
        assertTrue(refused.startsWith(api.base() + "/#error="), refused);
        Reply none = call("GET", "/admin/users?filter=" + URLEncoder.encode(blocked, StandardCharsets.UTF_8), null,
                null, "Authorization", "Bearer " + OPERATOR);
        assertEquals(0, none.json().getJsonArray("users").size(), "a refused validate hook leaves no user: "
                + none.describe());
    }

    /** A browser signing in with GitHub from the site: follows every redirect, keeps cookies, returns the fragment. */
    private Map<String, String> signInWithGitHub(FakeGitHub.Account account) throws Exception {
        String landing = signInWithGitHubExpectingRedirect(account);
        assertTrue(landing.startsWith(api.base() + "/#access_token="), landing);
        Map<String, String> fragment = new java.util.LinkedHashMap<>();
        for (String pair : URI.create(landing).getRawFragment().split("&")) {
            String[] kv = pair.split("=", 2);
            fragment.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return fragment;
    }

    private String signInWithGitHubExpectingRedirect(FakeGitHub.Account account) throws Exception {
        github.nextSignIn(account);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        URI next = URI.create(api.base() + "/.netlify/identity/authorize?provider=github");
        for (int hop = 0; hop < 5; hop++) {
            HttpResponse<String> response = browser.send(HttpRequest.newBuilder(next).timeout(Duration.ofSeconds(30))
                    .header("Referer", api.base() + "/").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, response.statusCode(), next + " -> " + response.statusCode() + ": " + response.body());
            String location = response.headers().firstValue("Location").orElseThrow();
            // The Referer (the site's home page) is on the site's host, so the sign-in returns there.
            if (location.startsWith(api.base() + "/#") || location.equals(api.base() + "/")) {
                return location;
            }
            next = URI.create(location);
        }
        throw new AssertionError("the sign-in never came back to the site");
    }

    private static JwtClaims verified(String jwt) throws Exception {
        return new org.jose4j.jwt.consumer.JwtConsumerBuilder()
                .setVerificationKey(new org.jose4j.keys.HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation().setSkipDefaultAudienceValidation().build().processToClaims(jwt);
    }

    private List<JsonObject> calls(String event) {
        return webhookCalls.stream().filter(c -> event.equals(c.getString("event"))).toList();
    }

    private long delivered(String event) {
        return calls(event).stream().filter(c -> c.getInteger("answered") == 200).count();
    }

    /** A restart keeps the service's name, as a restarted container keeps its pod's: it is the same group member. */
    private void start(SuiteService service, String logName) {
        processes.put(service, E2e.startService(root, service, E2e.JVM_OPTIONS, serviceEnv, ports.get(service), LOGS,
                service.module(), logName));
    }

    private void awaitReady(SuiteService service) {
        E2e.awaitReady(http, service, processes.get(service), ports.get(service));
    }

    private Reply call(String method, String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        return api.call(method, path, contentType, body, headers);
    }
}
