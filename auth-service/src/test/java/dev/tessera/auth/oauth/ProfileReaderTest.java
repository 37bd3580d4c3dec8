package dev.tessera.auth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tessera.auth.oauth.ProfileReader;
import dev.tessera.auth.oauth.Provider;
import dev.tessera.auth.oauth.ProviderKind;
import dev.tessera.auth.oauth.ProviderProfile;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.internal.ExternalEmail;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each provider's profile API as the provider answers it (a real HTTP server serving GitLab's, Google's, Bitbucket's
 * and Facebook's documented shapes; GitHub's is covered through the whole flow in {@link OAuthTest}): which addresses
 * come back, which count as verified and primary, and what goes into {@code user_metadata}.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class ProfileReaderTest {

    static final String TOKEN = "provider-access-token";
    static final String SECRET = "facebook-app-secret";
    static HttpServer server;
    static volatile String lastFacebookQuery;

    @Inject
    ProfileReader reader;

    @BeforeAll
    static void providers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answer("/api/v4/user", """
                {"id":1,"username":"ada","name":"Ada Lovelace","email":"ada@example.com",
                 "avatar_url":"https://gitlab.example/ada.png","confirmed_at":"2020-01-01T00:00:00Z"}""");
        answer("/api/v4/user/emails", """
                [{"id":7,"email":"ada-old@example.com","confirmed_at":null},{"id":8,"email":"ADA@example.com"},
                 {"id":9,"email":"ada-work@example.com","confirmed_at":"2021-03-26T19:07:56.248Z"}]""");
        answer("/unconfirmed/api/v4/user", """
                {"id":2,"username":"eve","name":"Eve","email":"victim@example.com","confirmed_at":null}""");
        answer("/unconfirmed/api/v4/user/emails", """
                [{"id":10,"email":"victim@example.com","confirmed_at":null}]""");
        answer("/userinfo/v2/me", """
                {"id":"1","email":"grace@example.com","verified_email":false,"name":"Grace Hopper",
                 "picture":"https://google.example/grace.jpg"}""");
        answer("/2.0/user", """
                {"display_name":"Alan Turing","links":{"avatar":{"href":"https://bitbucket.example/alan.png"}}}""");
        answer("/2.0/user/emails", """
                {"values":[{"email":"alan@example.com","is_primary":true,"is_confirmed":true},
                 {"email":"alan-work@example.com","is_primary":false,"is_confirmed":false}]}""");
        server.createContext("/me", exchange -> {
            lastFacebookQuery = exchange.getRequestURI().getRawQuery();
            send(exchange, """
                    {"id":"9","email":"barbara@example.com","name":"Barbara Liskov","short_name":"Barbara",
                     "picture":{"data":{"url":"https://facebook.example/barbara.jpg"}}}""");
        });
        server.createContext("/broken/2.0/user", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    ProviderProfile read(ProviderKind kind, String base) {
        Provider provider = new Provider(kind, "client", SECRET, "http://localhost/callback",
                "unused", "unused", apiBase(kind, base));
        return reader.read(provider, TOKEN).await().atMost(Duration.ofSeconds(20));
    }

    static String apiBase(ProviderKind kind, String base) {
        return switch (kind) {
            case GITLAB -> base + "/api/v4";
            case BITBUCKET -> base + "/2.0";
            default -> base;
        };
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void gitlabSaysWhichAddressesAreConfirmed() {
        ProviderProfile profile = read(ProviderKind.GITLAB, base());
        assertEquals(List.of(new ExternalEmail("ada@example.com", true, true),
                new ExternalEmail("ada-old@example.com", false, false),
                new ExternalEmail("ada-work@example.com", true, false)), profile.emails(),
                "the primary is not listed twice");
        assertEquals(Map.of("full_name", "Ada Lovelace", "avatar_url", "https://gitlab.example/ada.png"),
                profile.metadata());
    }

    /** GitLab lets a new account sign in before it confirms its address: that address proves nothing. */
    @Test
    void gitlabsUnconfirmedPrimaryAddressIsNotVerified() {
        ProviderProfile profile = read(ProviderKind.GITLAB, base() + "/unconfirmed");
        assertEquals(List.of(new ExternalEmail("victim@example.com", false, true)), profile.emails());
    }

    @Test
    void googleSaysInVerifiedEmail() {
        ProviderProfile profile = read(ProviderKind.GOOGLE, base());
        assertEquals(List.of(new ExternalEmail("grace@example.com", false, true)), profile.emails());
        assertEquals(Map.of("full_name", "Grace Hopper", "avatar_url", "https://google.example/grace.jpg"),
                profile.metadata());
    }

    @Test
    void bitbucketFlagsEachAddress() {
        ProviderProfile profile = read(ProviderKind.BITBUCKET, base());
        assertEquals(List.of(new ExternalEmail("alan@example.com", true, true),
                new ExternalEmail("alan-work@example.com", false, false)), profile.emails());
        assertEquals(Map.of("full_name", "Alan Turing", "avatar_url", "https://bitbucket.example/alan.png"),
                profile.metadata());
    }

    @Test
    void facebookGetsTheAppSecretProofAndGivesASlug() throws Exception {
        ProviderProfile profile = read(ProviderKind.FACEBOOK, base());
        assertEquals(List.of(new ExternalEmail("barbara@example.com", true, true)), profile.emails());
        assertEquals(Map.of("full_name", "Barbara Liskov", "avatar_url", "https://facebook.example/barbara.jpg",
                "slug", "Barbara"), profile.metadata());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String proof = java.util.HexFormat.of().formatHex(mac.doFinal(TOKEN.getBytes(StandardCharsets.UTF_8)));
        assertEquals("fields=email,first_name,last_name,name,picture,short_name&appsecret_proof=" + proof,
                lastFacebookQuery);
    }

    @Test
    void aFailingProfileApiFails() {
        assertThrows(RuntimeException.class, () -> read(ProviderKind.BITBUCKET, base() + "/broken"));
    }

    @Test
    void providersLiveWhereGoTrueLooksForThem() {
        Map<ProviderKind, List<String>> defaults = Map.of(
                ProviderKind.GITHUB, List.of("https://github.com/login/oauth/authorize",
                        "https://github.com/login/oauth/access_token", "https://api.github.com"),
                ProviderKind.GITLAB, List.of("https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token",
                        "https://gitlab.com/api/v4"),
                ProviderKind.GOOGLE, List.of("https://accounts.google.com/o/oauth2/auth",
                        "https://accounts.google.com/o/oauth2/token", "https://www.googleapis.com"),
                ProviderKind.BITBUCKET, List.of("https://bitbucket.org/site/oauth2/authorize",
                        "https://bitbucket.org/site/oauth2/access_token", "https://api.bitbucket.org/2.0"),
                ProviderKind.FACEBOOK, List.of("https://www.facebook.com/dialog/oauth",
                        "https://graph.facebook.com/oauth/access_token", "https://graph.facebook.com"));
        defaults.forEach((kind, urls) -> assertEquals(urls, urls(kind, Optional.empty()), kind.id()));
        assertEquals(List.of("https://ghe.example/login/oauth/authorize", "https://ghe.example/login/oauth/access_token",
                "https://ghe.example/api/v3"), urls(ProviderKind.GITHUB, Optional.of("https://ghe.example/")));
        assertEquals(List.of("https://git.example/oauth/authorize", "https://git.example/oauth/token",
                "https://git.example/api/v4"), urls(ProviderKind.GITLAB, Optional.of("https://git.example")));
    }

    private static List<String> urls(ProviderKind kind, Optional<String> base) {
        return List.of(kind.authorizeUrl(base), kind.tokenUrl(base), kind.apiBase(base));
    }

    private static void answer(String path, String json) {
        server.createContext(path, exchange -> {
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            send(exchange, json);
        });
    }

    private static void send(HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
