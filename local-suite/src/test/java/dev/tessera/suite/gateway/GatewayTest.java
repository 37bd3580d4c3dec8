package dev.tessera.suite.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The gateway in front of tiny Vert.x upstreams that echo what reached them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTest {

    private static final int LARGE = 3 * 1024 * 1024 + 17;
    private static final Iterable<String> COOKIES = List.of("nf_jwt=abc; Path=/; HttpOnly", "other=1; Path=/");

    private Vertx vertx;
    private Gateway gateway;
    private Gateway deadGateway;
    private Gateway realIpGateway;
    private HttpClient http;
    private byte[] largeBody;
    private Path accessLog;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        largeBody = new byte[LARGE];
        new Random(7).nextBytes(largeBody);
        Map<SuiteService, Integer> ports = new EnumMap<>(SuiteService.class);
        for (SuiteService service : List.of(SuiteService.AUTH, SuiteService.USER, SuiteService.HOOK)) {
            HttpServer server = vertx.createHttpServer().requestHandler(r -> echo(service, r));
            await(server.listen(0, "127.0.0.1"));
            ports.put(service, server.actualPort());
        }
        accessLog = Files.createTempFile("gateway-access", ".log");
        gateway = Gateway.start(vertx, "localhost", 0, ports, AccessLog.to(accessLog));
        deadGateway = Gateway.start(vertx, "localhost", 0, Map.of(SuiteService.AUTH, closedPort()), AccessLog.NONE);
        Map<SuiteService, List<Integer>> single = new EnumMap<>(SuiteService.class);
        ports.forEach((service, port) -> single.put(service, List.of(port)));
        realIpGateway = Gateway.startReplicated(vertx, "localhost", 0, single, AccessLog.NONE, "X-Real-IP");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (deadGateway != null) {
            deadGateway.close();
        }
        if (realIpGateway != null) {
            realIpGateway.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
        if (accessLog != null) {
            Files.deleteIfExists(accessLog);
        }
    }

    /** Answers with what arrived; {@code /.netlify/functions/large} answers a large streamed body instead. */
    private void echo(SuiteService service, HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (request.path().equals("/.netlify/functions/large")) {
                request.response().setChunked(true);
                int chunk = 64 * 1024;
                for (int at = 0; at < largeBody.length; at += chunk) {
                    request.response().write(Buffer.buffer(largeBody).slice(at, Math.min(largeBody.length,
                            at + chunk)));
                }
                request.response().end();
                return;
            }
            JsonObject headers = new JsonObject();
            request.headers().names().forEach(name -> headers.put(name.toLowerCase(),
                    new JsonArray(request.headers().getAll(name))));
            JsonObject echo = new JsonObject()
                    .put("service", service.name())
                    .put("method", request.method().name())
                    .put("uri", request.uri())
                    .put("headers", headers)
                    .put("bodyLength", body.length())
                    .put("bodySha256", sha256(body.getBytes()))
                    .put("body", body.length() < 1024 ? body.toString() : null);
            request.response()
                    .setStatusCode(request.path().equals("/signup") ? 201 : 200)
                    .putHeader("content-type", "application/json")
                    .putHeader("x-total-count", "42")
                    .putHeader("link", "</admin/users?page=2>; rel=\"next\"")
                    .putHeader("set-cookie", COOKIES)
                    .end(echo.encode());
        });
    }

    private URI url(Gateway target, String path) {
        return URI.create("http://localhost:" + target.port() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url(gateway, path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject echoOf(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    @Test
    void routesTheApiAtTheRoot() throws Exception {
        JsonObject echo = echoOf(get("/settings"));
        assertEquals("AUTH", echo.getString("service"));
        assertEquals("/settings", echo.getString("uri"));
        assertFalse(echo.getJsonObject("headers").containsKey("x-forwarded-prefix"));
        assertEquals("USER", echoOf(get("/user")).getString("service"));
        assertEquals("USER", echoOf(get("/admin/users?page=2")).getString("service"));
        assertEquals("AUTH", echoOf(get("/.well-known/jwks.json")).getString("service"));
    }

    @Test
    void stripsTheIdentityPrefixAndKeepsTheQuery() throws Exception {
        JsonObject echo = echoOf(get("/.netlify/identity/settings?a=1&b=two%20words"));
        assertEquals("AUTH", echo.getString("service"));
        assertEquals("/settings?a=1&b=two%20words", echo.getString("uri"));
        assertEquals(List.of("/.netlify/identity"), echo.getJsonObject("headers").getJsonArray("x-forwarded-prefix")
                .getList());
        JsonObject user = echoOf(get("/.netlify/identity/admin/users/123"));
        assertEquals("USER", user.getString("service"));
        assertEquals("/admin/users/123", user.getString("uri"));
    }

    /** One-time tokens, OAuth codes and refused credentials travel in query strings: the log keeps only their names. */
    @Test
    void theAccessLogNamesQueryParametersWithoutTheirValues() throws Exception {
        String token = "one-time-" + UUID.randomUUID();
        assertEquals("/verify?token=" + token + "&type=signup",
                echoOf(get("/.netlify/identity/verify?token=" + token + "&type=signup")).getString("uri"));
        String line = "GET /.netlify/identity/verify?token&type -> auth-service 200";
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String log = Files.readString(accessLog);
        while (!log.contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            log = Files.readString(accessLog);
        }
        assertTrue(log.contains(line), log);
        assertFalse(log.contains(token), log);
    }

    @Test
    void keepsTheFunctionPath() throws Exception {
        JsonObject echo = echoOf(get("/.netlify/functions/identity-signup?x=y"));
        assertEquals("HOOK", echo.getString("service"));
        assertEquals("/.netlify/functions/identity-signup?x=y", echo.getString("uri"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/internal/verify", "/.netlify/identity/internal/verify", "/q/health/ready",
            "/.netlify/identity/q/health", "/", "/nothing-here", "/admin/../internal/verify",
            "/admin/%2e%2e/internal/verify", "//internal/verify", "/admin/other", "/.well-known/other" })
    void refusesInternalAndUnknownPathsInGoTruesShape(String path) throws Exception {
        for (String method : List.of("GET", "POST")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(gateway, path))
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"email\":\"x@example.com\"}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode(), method + " " + path);
            assertEquals(new JsonObject().put("code", 404).put("msg", "Not Found"), new JsonObject(response.body()));
            assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        }
    }

    @Test
    void keepsMethodHeadersAndBodyAndAddsForwardingHeaders() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(gateway, "/user"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"data\":{\"a\":1}}"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer abc")
                .header("X-JWT-AUD", "aud-1")
                .header("X-Forwarded-For", "203.0.113.9")
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonObject echo = echoOf(response);
        JsonObject headers = echo.getJsonObject("headers");
        assertEquals("PUT", echo.getString("method"));
        assertEquals("{\"data\":{\"a\":1}}", echo.getString("body"));
        assertEquals(List.of("Bearer abc"), headers.getJsonArray("authorization").getList());
        assertEquals(List.of("aud-1"), headers.getJsonArray("x-jwt-aud").getList());
        assertEquals(List.of("127.0.0.1"), headers.getJsonArray("x-forwarded-for").getList(),
                "the connection's peer, never what the client wrote");
        assertEquals(List.of("http"), headers.getJsonArray("x-forwarded-proto").getList());
        String publicHost = "localhost:" + gateway.port();
        assertEquals(new JsonArray().add(publicHost), headers.getJsonArray("x-forwarded-host"), echo.encode());
        assertEquals(new JsonArray().add(publicHost), headers.getJsonArray("host"), echo.encode());
    }

    @Test
    void namesTheConnectionsPeerInTheHeaderTheServicesReadTheClientFrom() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(realIpGateway, "/token"))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password"))
                .header("X-Real-IP", "203.0.113.9")
                .header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonObject headers = echoOf(response).getJsonObject("headers");
        assertEquals(List.of("127.0.0.1"), headers.getJsonArray("x-real-ip").getList());
        assertEquals(List.of("127.0.0.1"), headers.getJsonArray("x-forwarded-for").getList());
    }

    /**
     * The services build public URLs from these (the discovery document's key-set address), and a shared cache would
     * keep one built from an attacker's: only the gateway's own values reach them.
     */
    @Test
    void dropsTheSchemeHostAndPrefixAClientClaims() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(gateway, "/user"))
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Prefix", "/evil")
                .header("X-Forwarded-Port", "444")
                .header("Forwarded", "for=198.51.100.1;host=evil.example;proto=https")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonObject headers = echoOf(response).getJsonObject("headers");
        assertEquals(new JsonArray().add("localhost:" + gateway.port()), headers.getJsonArray("x-forwarded-host"));
        assertEquals(new JsonArray().add("http"), headers.getJsonArray("x-forwarded-proto"));
        assertNull(headers.getJsonArray("x-forwarded-prefix"), headers.encode());
        assertNull(headers.getJsonArray("x-forwarded-port"), headers.encode());
        assertNull(headers.getJsonArray("forwarded"), headers.encode());

        JsonObject prefixed = echoOf(http.send(HttpRequest.newBuilder(url(gateway, "/.netlify/identity/user"))
                .header("X-Forwarded-Prefix", "/evil").GET().build(), HttpResponse.BodyHandlers.ofString()))
                .getJsonObject("headers");
        assertEquals(new JsonArray().add("/.netlify/identity"), prefixed.getJsonArray("x-forwarded-prefix"));
    }

    @Test
    void keepsStatusAndResponseHeaders() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(gateway, "/.netlify/identity/signup"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode());
        assertEquals(COOKIES, response.headers().allValues("set-cookie"));
        assertEquals("42", response.headers().firstValue("x-total-count").orElseThrow());
        assertEquals("</admin/users?page=2>; rel=\"next\"", response.headers().firstValue("link").orElseThrow());
    }

    @Test
    void streamsLargeBodiesBothWays() throws Exception {
        JsonObject echo = echoOf(http.send(HttpRequest.newBuilder(url(gateway, "/user"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(largeBody)).build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(LARGE, echo.getInteger("bodyLength"));
        assertEquals(sha256(largeBody), echo.getString("bodySha256"));

        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(url(gateway, "/.netlify/functions/large"))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertArrayEquals(largeBody, download.body());
    }

    @Test
    void answers502WhenTheUpstreamDoesNotAnswer() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(deadGateway, "/token"))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password"))
                .header("Content-Type", "application/x-www-form-urlencoded").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, response.statusCode());
        JsonObject body = new JsonObject(response.body());
        assertEquals(502, body.getInteger("code"));
        assertTrue(body.getString("msg").contains("auth-service"), body.encode());
        assertNotNull(body.getString("error_id"));
        // A service the gateway knows no address for answers the same way.
        HttpResponse<String> noUpstream = http.send(HttpRequest.newBuilder(url(deadGateway, "/user")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, noUpstream.statusCode());
        assertEquals(502, new JsonObject(noUpstream.body()).getInteger("code"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
