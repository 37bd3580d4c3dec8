package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A GitHub Enterprise for OAuth tests: a real HTTP server with GitHub's consent page ({@code /login/oauth/authorize},
 * which "signs in" the account queued with {@link #nextSignIn} and redirects back with a code), its token endpoint
 * (one-time codes; JSON only for {@code Accept: application/json}, form-encoded otherwise, errors in a 200 as GitHub
 * does) and the profile API under {@code /api/v3}. It checks the client id, secret and redirect URI it was given, and
 * records every token request so a test can see what the service sent.
 */
public final class FakeGitHub implements AutoCloseable {

    /** A GitHub account: display name, avatar and addresses. */
    public record Account(String name, String avatarUrl, List<Email> emails) {
        public static Account of(String name, Email... emails) {
            return new Account(name, "https://avatars.example/" + name.replace(' ', '-'), List.of(emails));
        }
    }

    /** One address of an account, with GitHub's flags. */
    public record Email(String email, boolean verified, boolean primary) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String clientId;
    private final String clientSecret;
    private final HttpServer server;
    private final Map<String, Account> codes = new ConcurrentHashMap<>();
    private final Map<String, Account> tokens = new ConcurrentHashMap<>();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger profileStatus = new AtomicInteger(200);
    private volatile Account next;

    public FakeGitHub(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/login/oauth/authorize", this::consent);
        server.createContext("/login/oauth/access_token", this::token);
        server.createContext("/api/v3/user", this::profile);
        server.start();
    }

    /** The base URL, as {@code GOTRUE_EXTERNAL_GITHUB_URL}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The account the next visit to the consent page signs in as. */
    public void nextSignIn(Account account) {
        this.next = account;
    }

    /** A code for this account, as if its owner had just consented. */
    public String codeFor(Account account) {
        String code = "code-" + UUID.randomUUID();
        codes.put(code, account);
        return code;
    }

    /** Makes the profile API answer this status (200 restores it). */
    public void profileAnswers(int status) {
        profileStatus.set(status);
    }

    /** The form parameters of every token request so far, oldest first. */
    public List<Map<String, String>> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void consent(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        Account account = next;
        if (!clientId.equals(query.get("client_id")) || account == null) {
            send(exchange, 400, "text/plain", "unknown client or nobody signed in");
            return;
        }
        String redirect = query.get("redirect_uri") + "?code=" + enc(codeFor(account)) + "&state="
                + enc(query.getOrDefault("state", ""));
        exchange.getResponseHeaders().add("Location", redirect);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> params = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        tokenRequests.add(params);
        Account account = codes.remove(params.getOrDefault("code", ""));
        Map<String, Object> answer = new LinkedHashMap<>();
        if (!clientId.equals(params.get("client_id")) || !clientSecret.equals(params.get("client_secret"))) {
            answer.put("error", "incorrect_client_credentials");
        } else if (account == null || params.get("redirect_uri") == null) {
            answer.put("error", "bad_verification_code");
        } else {
            String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
            tokens.put(token, account);
            answer.put("access_token", token);
            answer.put("token_type", "bearer");
            answer.put("scope", "user:email");
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null && accept.contains("application/json")) {
            send(exchange, 200, "application/json", JSON.writeValueAsString(answer));
        } else {
            List<String> pairs = new ArrayList<>();
            answer.forEach((k, v) -> pairs.add(enc(k) + "=" + enc(String.valueOf(v))));
            send(exchange, 200, "application/x-www-form-urlencoded", String.join("&", pairs));
        }
    }

    private void profile(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Account account = authorization == null ? null
                : tokens.get(authorization.replaceFirst("^(?i)(bearer|token) ", ""));
        if (account == null) {
            send(exchange, 401, "application/json", "{\"message\":\"Bad credentials\"}");
            return;
        }
        if (profileStatus.get() != 200) {
            send(exchange, profileStatus.get(), "application/json", "{\"message\":\"Server Error\"}");
            return;
        }
        String path = URI.create(exchange.getRequestURI().getPath()).getPath();
        Object body;
        if (path.endsWith("/user/emails")) {
            List<Map<String, Object>> emails = new ArrayList<>();
            for (Email e : account.emails()) {
                emails.add(Map.of("email", e.email(), "verified", e.verified(), "primary", e.primary(),
                        "visibility", e.primary() ? "public" : "private"));
            }
            body = emails;
        } else {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("login", account.name().toLowerCase().replace(' ', '-'));
            user.put("name", account.name());
            user.put("avatar_url", account.avatarUrl());
            user.put("email", null);
            body = user;
        }
        send(exchange, 200, "application/json", JSON.writeValueAsString(body));
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
