package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.SuiteService;
import dev.tessera.suite.site.LocalSite;
import dev.tessera.suite.site.SiteFunctions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code ./run.sh --site DIR} end to end: user-service, auth-service and hook-service from their built jars behind
 * the gateway, which serves a site directory with the seed's two admin rules in its {@code netlify.toml}. Real users
 * sign up through the API, an operator gives one of them the admin role through the admin API, both log in, and
 * then an anonymous visitor, the member and the admin ask for the same pages, with the {@code nf_jwt} cookie the
 * password grant sets and with a bearer header: each gets what the rules say. Logs go to
 * {@code local-suite/target/e2e-logs/site/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SiteEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-site-test-0123456789abcdef";
    private static final String OPERATOR = "e2e-operator-token-site";
    private static final Path LOGS = Path.of("target", "e2e-logs", "site").toAbsolutePath();
    // user-service asks hook-service before a signup (the validate hook), configured or not.
    private static final List<SuiteService> SERVICES = List.of(SuiteService.USER, SuiteService.AUTH,
            SuiteService.HOOK);
    static final String SEED_RULES = """
            [[redirects]]
            from = "/admin/*"
            to = "/admin/:splat"
            status = 200
            conditions = { Role = ["admin"] }

            [[redirects]]
            from = "/admin/*"
            to = "/"
            status = 302
            """;
    /** A rewrite to the site's functions, as Netlify sites write it. */
    static final String API_RULE = """

            [[redirects]]
            from = "/api/*"
            to = "/.netlify/functions/:splat"
            status = 200
            """;

    private Path root;
    private TestStack stack;
    private final Map<SuiteService, ChildProcess> processes = new EnumMap<>(SuiteService.class);
    private final Map<SuiteService, Integer> ports = new EnumMap<>(SuiteService.class);
    private ChildProcess functionHost;
    private Vertx vertx;
    private Gateway gateway;
    private PublicApi api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startSuite() throws Exception {
        root = E2e.repoRoot();
        for (SuiteService service : SERVICES) {
            assertTrue(Files.isRegularFile(service.runnableJar(root)), service.module() + " is not built");
        }
        Path site = site();
        stack = TestStack.start(false);
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
        // The site's functions, run as the launcher runs them.
        Files.createDirectories(LOGS);
        functionHost = SiteFunctions.start(root, SiteFunctions.folder(site).orElseThrow(), E2e.inheritedEnvironment(),
                LOGS.resolve("functions.log"), Duration.ofSeconds(60));
        env.put("TESSERA_FUNCTIONS_URL", "http://127.0.0.1:" + SiteFunctions.port(LOGS.resolve("functions.log")));
        env.put("TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS", "true");
        for (SuiteService service : SERVICES) {
            processes.put(service, E2e.startService(root, service, E2e.JVM_OPTIONS, env, ports.get(service), LOGS,
                    service.module(), service.module()));
        }
        for (SuiteService service : SERVICES) {
            E2e.awaitReady(http, service, processes.get(service), ports.get(service));
        }
        vertx = Vertx.vertx();
        Map<SuiteService, List<Integer>> replicas = new EnumMap<>(SuiteService.class);
        ports.forEach((service, port) -> replicas.put(service, List.of(port)));
        gateway = Gateway.startReplicated(vertx, "localhost", gatewayPort, replicas,
                AccessLog.to(LOGS.resolve("gateway.log")), null,
                LocalSite.open(vertx, site, LocalSite.rules(site), ports.get(SuiteService.AUTH)));
    }

    /** A site with the seed's rules, a home page, an admin area and a 404 page. */
    private static Path site() throws Exception {
        Path site = Path.of("target", "e2e-site-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(site.resolve("admin"));
        Files.writeString(site.resolve("netlify.toml"), SEED_RULES + API_RULE);
        Files.createDirectories(site.resolve("netlify/functions"));
        Files.writeString(site.resolve("netlify/functions/hello.mjs"),
                "export default async () => Response.json({ hello: 'site' });\n");
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(site.resolve("about.html"), "<h1>about</h1>");
        Files.writeString(site.resolve("admin/index.html"), "<h1>admin console</h1>");
        Files.writeString(site.resolve("admin/users.html"), "<h1>admin users</h1>");
        Files.writeString(site.resolve("404.html"), "<h1>not here</h1>");
        return site;
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway, E2e.closing(vertx));
        processes.values().forEach(ChildProcess::requestStop);
        processes.values().forEach(p -> p.awaitStop(Duration.ofSeconds(20)));
        if (functionHost != null) {
            functionHost.stop(Duration.ofSeconds(10));
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** A signed-up user; with a role when {@code role} is not null (given by the operator through the admin API). */
    private String signUp(String email, String password, String role) throws Exception {
        String id = PublicApi.ok(api.call("POST", "/.netlify/identity/signup", "application/json",
                new JsonObject().put("email", email).put("password", password).encode())).json().getString("id");
        if (role != null) {
            PublicApi.ok(api.call("PUT", "/.netlify/identity/admin/users/" + id, "application/json",
                    new JsonObject().put("app_metadata", new JsonObject().put("roles", List.of(role))).encode(),
                    "Authorization", "Bearer " + OPERATOR));
        }
        return id;
    }

    /** The password grant with {@code X-Use-Cookie}: answers the access token and the nf_jwt cookie it sets. */
    private String[] logIn(String email, String password) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/.netlify/identity/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Use-Cookie", "1")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username="
                        + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        String cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("nf_jwt="))
                .findFirst().orElse(null);
        assertNotNull(cookie, "the password grant sets nf_jwt");
        return new String[] { new JsonObject(response.body()).getString("access_token"),
                cookie.substring(0, cookie.indexOf(';')) };
    }

    private HttpResponse<String> page(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path)).GET()
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String describe(HttpResponse<String> response) {
        return response.statusCode() + response.headers().firstValue("Location").map(l -> " -> " + l)
                .orElse(" " + response.body());
    }

    @Test
    void anonymousMemberAndAdminEachGetWhatTheSeedsRulesSay() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        signUp("member-" + suffix + "@example.com", "member password 1", "member");
        signUp("admin-" + suffix + "@example.com", "admin password 1", "admin");
        String[] member = logIn("member-" + suffix + "@example.com", "member password 1");
        String[] admin = logIn("admin-" + suffix + "@example.com", "admin password 1");

        List<String> wrong = new ArrayList<>();
        for (String path : List.of("/admin/", "/admin", "/admin/users.html", "/ADMIN/")) {
            expect(wrong, path + " anonymous", page(path), "302 -> /");
            expect(wrong, path + " member by cookie", page(path, "Cookie", member[1]), "302 -> /");
            expect(wrong, path + " member by bearer", page(path, "Authorization", "Bearer " + member[0]),
                    "302 -> /");
        }
        expect(wrong, "/admin/ admin by cookie", page("/admin/", "Cookie", admin[1]), "200 <h1>admin console</h1>");
        expect(wrong, "/admin/ admin by bearer", page("/admin/", "Authorization", "Bearer " + admin[0]),
                "200 <h1>admin console</h1>");
        expect(wrong, "/admin/users.html admin", page("/admin/users.html", "Cookie", admin[1]),
                "200 <h1>admin users</h1>");
        expect(wrong, "/admin/ forged admin cookie", page("/admin/", "Cookie", "nf_jwt=" + admin[0] + "x"),
                "302 -> /");
        for (String[] visitor : List.of(new String[] { "", "" }, member, admin)) {
            String[] cookie = visitor[1].isEmpty() ? new String[0] : new String[] { "Cookie", visitor[1] };
            expect(wrong, "/ " + visitor[1], page("/", cookie), "200 <h1>home</h1>");
            expect(wrong, "/about " + visitor[1], page("/about", cookie), "200 <h1>about</h1>");
            expect(wrong, "/missing " + visitor[1], page("/missing", cookie), "404 <h1>not here</h1>");
            expect(wrong, "/netlify.toml " + visitor[1], page("/netlify.toml", cookie), "404 <h1>not here</h1>");
        }
        // A page the visitor's roles decide is the visitor's alone: no shared cache keeps it for another cookie.
        HttpResponse<String> adminPage = page("/admin/", "Cookie", admin[1]);
        assertEquals(Optional.of("private, no-cache"), adminPage.headers().firstValue("Cache-Control"));
        assertEquals(Optional.of("Cookie"), adminPage.headers().firstValue("Vary"));
        assertEquals(Optional.of("nosniff"), adminPage.headers().firstValue("X-Content-Type-Options"));
        assertEquals(Optional.of("no-cache"), page("/about").headers().firstValue("Cache-Control"));
        // The API keeps its paths: /admin/users is user-service's, not the site's admin area.
        assertEquals(401, page("/admin/users").statusCode());
        assertEquals(200, page("/.netlify/identity/settings").statusCode());
        assertEquals(404, page("/.netlify/other").statusCode());
        // A rewrite to a function reaches it through hook-service's gateway, as the function's own path does.
        expect(wrong, "/api/hello", page("/api/hello"), "200 {\"hello\":\"site\"}");
        expect(wrong, "/.netlify/functions/hello", page("/.netlify/functions/hello"),
                "200 {\"hello\":\"site\"}");
        assertEquals(List.of(), wrong);
    }

    /**
     * The cookie of a signed-out browser opens the admin area no more, though the token in it has not expired:
     * the gateway asks auth-service's forward-auth, which checks the session (a live answer is remembered 5 s).
     */
    @Test
    void aSignedOutCookieOpensNothing() throws Exception {
        String email = "leaving-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        signUp(email, "admin password 1", "admin");
        String[] admin = logIn(email, "admin password 1");
        String[] otherDevice = logIn(email, "admin password 1");
        assertEquals("200 <h1>admin console</h1>", describe(page("/admin/", "Cookie", admin[1])));
        assertEquals(204, api.call("POST", "/.netlify/identity/logout?scope=local", "application/json", "",
                "Authorization", "Bearer " + admin[0]).status());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String seen;
        while (!(seen = describe(page("/admin/", "Cookie", admin[1]))).equals("302 -> /")) {
            assertTrue(System.nanoTime() < deadline, "the signed-out cookie still opens /admin/: " + seen);
            Thread.sleep(250);
        }
        assertEquals("302 -> /", describe(page("/admin/", "Authorization", "Bearer " + admin[0])));
        assertEquals("200 <h1>admin console</h1>", describe(page("/admin/", "Cookie", otherDevice[1])),
                "the other device's session goes on");
    }

    private static void expect(List<String> wrong, String what, HttpResponse<String> response, String expected) {
        String got = describe(response);
        if (!got.equals(expected)) {
            wrong.add(what + ": expected " + expected + ", got " + got);
        }
    }
}
