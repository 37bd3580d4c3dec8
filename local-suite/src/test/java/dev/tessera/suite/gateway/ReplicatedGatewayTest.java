package dev.tessera.suite.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * Several replicas behind the gateway and behind a balancer: round robin, a dead replica skipped, replica named, a
 * replica out of rotation drained.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatedGatewayTest {

    private Vertx vertx;
    private final List<Integer> authPorts = new ArrayList<>();
    private int userPort;
    private Gateway gateway;
    private Gateway balancer;
    private Gateway withDeadReplica;
    /** Answers to {@code /hold} requests, held until the test sends them. */
    private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        for (int i = 1; i <= 2; i++) {
            authPorts.add(upstream("auth-" + i));
        }
        userPort = upstream("user-1");
        gateway = Gateway.startReplicated(vertx, "localhost", 0, Map.of(SuiteService.AUTH, authPorts,
                SuiteService.USER, List.of(userPort)), AccessLog.NONE);
        balancer = Gateway.balancer(vertx, 0, SuiteService.AUTH, authPorts, AccessLog.NONE);
        withDeadReplica = Gateway.startReplicated(vertx, "localhost", 0, Map.of(SuiteService.AUTH,
                List.of(closedPort(), authPorts.get(0))), AccessLog.NONE);
    }

    private int upstream(String name) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(r -> {
            r.response().putHeader("content-type", "application/json");
            String body = new JsonObject().put("replica", name).put("uri", r.uri())
                    .put("forwardedFor", r.getHeader("X-Forwarded-For")).encode();
            if (r.path().equals("/hold")) {
                held.add(() -> r.response().end(body));
            } else {
                r.response().end(body);
            }
        });
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterAll
    void stop() throws Exception {
        for (Gateway g : List.of(gateway, balancer, withDeadReplica)) {
            g.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void consecutiveRequestsGoToTheReplicasInTurnAndTheAnswerNamesThem() throws Exception {
        List<String> replicas = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = get(gateway.port(), "/.netlify/identity/token?n=" + i);
            assertEquals(200, response.statusCode());
            JsonObject body = new JsonObject(response.body());
            assertEquals("/token?n=" + i, body.getString("uri"));
            replicas.add(body.getString("replica"));
            headers.add(response.headers().firstValue(Gateway.UPSTREAM_HEADER).orElse(null));
        }
        for (int i = 1; i < replicas.size(); i++) {
            assertFalse(replicas.get(i).equals(replicas.get(i - 1)), "consecutive requests on one replica: "
                    + replicas);
        }
        for (int i = 0; i < replicas.size(); i++) {
            assertEquals("auth-service-" + replicas.get(i).substring("auth-".length()), headers.get(i));
        }
        // A service that runs once is not named.
        assertNull(get(gateway.port(), "/user").headers().firstValue(Gateway.UPSTREAM_HEADER).orElse(null));
    }

    @Test
    void aBalancerPassesEveryPathUnchangedToTheReplicasInTurn() throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get(balancer.port(), "/internal/verify");
            assertEquals(200, response.statusCode(), "internal paths pass a balancer");
            JsonObject body = new JsonObject(response.body());
            assertEquals("/internal/verify", body.getString("uri"));
            assertNull(body.getString("forwardedFor"), "a balancer adds no forwarding headers");
            seen.add(body.getString("replica"));
        }
        assertEquals(List.of("auth-1", "auth-2", "auth-1", "auth-2"), seen);
    }

    @Test
    void aReplicaThatRefusesConnectionsIsSkipped() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get(withDeadReplica.port(), "/settings");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("auth-1", new JsonObject(response.body()).getString("replica"));
        }
    }

    @Test
    void aReplicaOutOfRotationGetsNoNewRequestFromTheGatewayNorTheBalancerAndIsIdleOnceItsRequestIsAnswered()
            throws Exception {
        Endpoints endpoints = Endpoints.of(Map.of(SuiteService.AUTH, authPorts));
        Gateway shared = Gateway.start(vertx, "localhost", 0, endpoints, AccessLog.NONE, null, null);
        Gateway sharedBalancer = Gateway.balancer(vertx, 0, SuiteService.AUTH, endpoints, AccessLog.NONE);
        try {
            // The balancer's first request goes to auth-1 and is held there.
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + sharedBalancer.port() + "/hold")).timeout(Duration.ofSeconds(30)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (held.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, endpoints.replicas(SuiteService.AUTH).get(0).inFlight(), "the held request is counted");

            endpoints.out(SuiteService.AUTH, 0);
            for (int i = 0; i < 4; i++) {
                assertEquals("auth-2", new JsonObject(get(shared.port(), "/settings").body()).getString("replica"));
                assertEquals("auth-2", new JsonObject(get(sharedBalancer.port(), "/x").body()).getString("replica"));
            }
            assertFalse(endpoints.awaitIdle(SuiteService.AUTH, 0, Duration.ofMillis(200)),
                    "auth-1 still holds a request");
            held.poll().run();
            assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).statusCode(), "the request in flight is answered");
            assertTrue(endpoints.awaitIdle(SuiteService.AUTH, 0, Duration.ofSeconds(30)));

            endpoints.in(SuiteService.AUTH, 0);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                seen.add(new JsonObject(get(shared.port(), "/settings").body()).getString("replica"));
            }
            assertTrue(seen.contains("auth-1"), "back in rotation: " + seen);
        } finally {
            shared.close();
            sharedBalancer.close();
        }
    }

    @Test
    void aReplicaThatDiesWhileTheBodyStillStreamsGivesA502AndNoErrorOnTheEventLoop() throws Exception {
        HttpServer dying = vertx.createHttpServer().requestHandler(r -> r.connection().close());
        int dyingPort = dying.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();
        Gateway front = Gateway.balancer(vertx, 0, SuiteService.AUTH, List.of(dyingPort), AccessLog.NONE);
        ConcurrentLinkedQueue<Throwable> unhandled = new ConcurrentLinkedQueue<>();
        vertx.exceptionHandler(unhandled::add);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front.port())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write(("POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The body goes on arriving after the replica is gone, as it would from a slow client.
            for (int i = 0; i < 10; i++) {
                out.write("5\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(50);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 502 Bad Gateway", statusLine);
        } finally {
            vertx.exceptionHandler(null);
            front.close();
            dying.close();
        }
        assertEquals(List.of(), List.copyOf(unhandled), "nothing thrown on the event loop");
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
