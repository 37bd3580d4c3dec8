package dev.tessera.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.vertx.core.Future;

/**
 * A server whose password and refresh-token grants and token checks the benchmark drives: Tessera, or Keycloak as the
 * peer. Both take the grants as OAuth forms; they differ in where the form goes, how users are made and which
 * endpoint checks an access token and answers its user.
 */
interface GrantTarget {

    String PASSWORD = "bench password";

    /** Creates a user who can log in at once with {@link #PASSWORD}; answers the name to log in with. */
    Future<String> createUser(String email);

    /** The tokens a grant issued. */
    record Tokens(String access, String refresh) {
    }

    /** Posts a token request with this form; answers the tokens issued. */
    Future<Tokens> token(String form);

    /** Checks an access token and reads its user, as an API behind the server would on every call. */
    Future<?> check(String accessToken);

    /** The password grant; answers the tokens issued. */
    default Future<Tokens> login(String username) {
        return token("grant_type=password&username=" + encode(username) + "&password=" + encode(PASSWORD));
    }

    /** A password grant whose access token {@link #check} accepts. */
    default Future<Tokens> loginForChecks(String username) {
        return login(username);
    }

    /** The refresh-token grant; answers the tokens to present next. */
    default Future<Tokens> refresh(String refreshToken) {
        return token("grant_type=refresh_token&refresh_token=" + encode(refreshToken));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
