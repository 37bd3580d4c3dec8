package dev.tessera.suite.e2e;

import static dev.tessera.suite.e2e.PublicApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
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
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The local run's ES256 setting, end to end: the key {@code TESSERA_JWT_ALGORITHM=ES256} generates goes to
 * auth-service only, which signs with it and publishes it; user-service, configured with GoTrue's secret alone,
 * learns the key from auth-service ({@code TESSERA_JWT_KEYS_URL}) at the first token and answers {@code GET /user};
 * a third party verifies the token with the published key alone; auth-service refuses a token made with the secret,
 * which its key set does not list. Logs go to {@code target/e2e-logs/signing-keys/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigningKeysEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-signing-keys-test-0123456789";
    private static final Path LOGS = Path.of("target", "e2e-logs", "signing-keys").toAbsolutePath();

    private TestStack stack;
    private Vertx vertx;
    private Gateway gateway;
    private PublicApi api;
    private LocalSecrets secrets;
    private final List<ChildProcess> started = new ArrayList<>();

    @BeforeAll
    void startSuite() throws Exception {
        Path root = E2e.repoRoot();
        Files.createDirectories(LOGS);
        stack = TestStack.start(true);
        int gatewayPort = E2e.freePort();
        String base = "http://localhost:" + gatewayPort;
        api = new PublicApi(base, LOGS);
        Path secretsDir = Files.createTempDirectory("tessera-keys-e2e");
        secrets = LocalSecrets.resolve(Map.of("GOTRUE_JWT_SECRET", SECRET, "GOTRUE_OPERATOR_TOKEN",
                "e2e-operator-" + UUID.randomUUID(), LocalSecrets.ALGORITHM_VARIABLE, "ES256"), secretsDir);

        Map<SuiteService, Integer> ports = new EnumMap<>(SuiteService.class);
        for (SuiteService service : List.of(SuiteService.AUTH, SuiteService.USER, SuiteService.HOOK)) {
            ports.put(service, E2e.freePort());
        }
        Map<String, String> shared = ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), "127.0.0.1", stack.smtpPort(), base), ports, secrets);
        shared.put("GOTRUE_MAILER_AUTOCONFIRM", "true");
        HttpClient http = HttpClient.newHttpClient();
        for (SuiteService service : ports.keySet()) {
            Map<String, String> env = new HashMap<>(shared);
            if (service != SuiteService.AUTH) {
                // A verifier that holds no key at all: it learns the public one from auth-service.
                env.remove("GOTRUE_JWT_KEYS");
            }
            ChildProcess process = E2e.startService(root, service, E2e.JVM_OPTIONS, env, ports.get(service), LOGS,
                    service.module(), service.module());
            started.add(process);
            E2e.awaitReady(http, service, process, ports.get(service));
        }
        vertx = Vertx.vertx();
        gateway = Gateway.start(vertx, "localhost", gatewayPort, ports, AccessLog.to(LOGS.resolve("gateway.log")));
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway, E2e.closing(vertx));
        for (ChildProcess process : started) {
            process.close();
        }
        E2e.closeInOrder(stack);
    }

    @Test
    void anEs256TokenFromTheLocalRunsKeyIsPublishedAndAcceptedEverywhere() throws Exception {
        String email = "keys-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String id = ok(api.call("POST", "/.netlify/identity/signup", "application/json",
                new JsonObject().put("email", email).put("password", "correct horse battery staple").encode()))
                .json().getString("id");
        String token = ok(api.call("POST", "/.netlify/identity/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=" + email.replace("@", "%40")
                        + "&password=correct+horse+battery+staple")).json().getString("access_token");

        JsonArray keys = ok(api.call("GET", "/.netlify/identity/.well-known/jwks.json", null, null)).json()
                .getJsonArray("keys");
        assertEquals(1, keys.size(), keys.encode());
        JsonObject published = keys.getJsonObject(0);
        assertFalse(published.containsKey("d"), "no private part is published");
        PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(published.encode());
        JsonWebSignature header = new JsonWebSignature();
        header.setCompactSerialization(token);
        assertEquals(List.of("ES256", key.getKeyId()), List.of(header.getAlgorithmHeaderValue(),
                header.getKeyIdHeaderValue()));
        assertTrue(secrets.jwtKeys().value().contains(key.getKeyId()), "the local run's own key");
        JwtClaims claims = new JwtConsumerBuilder().setVerificationKey(key.getPublicKey())
                .setSkipDefaultAudienceValidation().build().processToClaims(token);
        assertEquals(id, claims.getSubject(), "a third party verifies with the published key alone");

        assertEquals(email, ok(api.call("GET", "/.netlify/identity/user", null, null, "Authorization",
                "Bearer " + token)).json().getString("email"), "user-service learned the key");
        assertEquals(204, api.call("POST", "/.netlify/identity/logout?scope=others", null, null, "Authorization",
                "Bearer " + token).status());

        String hs256 = hs256(id, email);
        assertEquals(401, api.call("POST", "/.netlify/identity/logout", null, null, "Authorization",
                "Bearer " + hs256).status(), "auth-service's key set does not list the secret");
        String discovery = ok(api.call("GET", "/.well-known/openid-configuration", null, null)).json()
                .getString("jwks_uri");
        assertEquals(api.base() + "/.well-known/jwks.json", discovery);
    }

    private static String hs256(String id, String email) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(id);
        claims.setClaim("email", email);
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue("nf-ident");
        jws.setKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jws.getCompactSerialization();
    }
}
