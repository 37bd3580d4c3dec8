package dev.tessera.bench;

import java.util.Map;

import io.vertx.core.Future;

/**
 * Tessera's GoTrue API: users sign up (the suite must autoconfirm them) and use {@code POST /token}; {@code GET /user}
 * checks the access token (its signature and expiry) and looks its user up.
 */
record TesseraTarget(JsonHttp http) implements GrantTarget {

    private static final String FORM = "application/x-www-form-urlencoded";

    @Override
    public Future<String> createUser(String email) {
        String body = JsonHttp.json(Map.of("email", email, "password", PASSWORD));
        return http.post("/signup", "application/json", body, 200).map(user -> {
            if (user.path("confirmed_at").isMissingNode()) {
                throw new IllegalStateException("the benchmark needs GOTRUE_MAILER_AUTOCONFIRM=true");
            }
            return email;
        });
    }

    @Override
    public Future<Tokens> token(String form) {
        return http.post("/token", FORM, form, 200).map(body -> new Tokens(body.path("access_token").asText(),
                body.path("refresh_token").asText()));
    }

    @Override
    public Future<?> check(String accessToken) {
        return http.get("/user", 200, "Authorization", "Bearer " + accessToken);
    }
}
