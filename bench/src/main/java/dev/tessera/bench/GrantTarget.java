package dev.tessera.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.vertx.core.Future;

/**
 * A server whose password and refresh-token grants the benchmark drives: Tessera, or Keycloak as the peer. Both take
 * the grants as OAuth forms; they differ in where the form goes and how users are made.
 */
interface GrantTarget {

    String PASSWORD = "bench password";

    /** Creates a user who can log in at once with {@link #PASSWORD}; answers the name to log in with. */
    Future<String> createUser(String email);

    /** Posts a token request with this form; answers the refresh token issued. */
    Future<String> token(String form);

    /** The password grant; answers the refresh token issued. */
    default Future<String> login(String username) {
        return token("grant_type=password&username=" + encode(username) + "&password=" + encode(PASSWORD));
    }

    /** The refresh-token grant; answers the refresh token to present next. */
    default Future<String> refresh(String refreshToken) {
        return token("grant_type=refresh_token&refresh_token=" + encode(refreshToken));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
