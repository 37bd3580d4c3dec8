package dev.tessera.suite.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The gateway passes on an access token as large as the metadata caps allow (two 16 KB metadata objects: about 45 KB
 * signed), as the services behind it accept it; Vert.x's default header limit, 8 KB, answered such a token 431.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayHeaderSizeTest {

    private Vertx vertx;
    private Gateway gateway;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer user = vertx.createHttpServer(new HttpServerOptions().setMaxHeaderSize(64 * 1024))
                .requestHandler(request -> request.response()
                        .end(String.valueOf(request.getHeader("Authorization").length())));
        await(user.listen(0, "127.0.0.1"));
        gateway = Gateway.start(vertx, "localhost", 0, Map.of(SuiteService.USER, user.actualPort()),
                AccessLog.NONE);
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    @Test
    void passesOnATokenOfTheLargestSizeTheMetadataCapsAllow() throws Exception {
        String authorization = "Bearer " + "a".repeat(48 * 1024);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create("http://localhost:" + gateway.port() + "/user"))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(authorization.length()), response.body(), "the whole header reached the service");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
