package dev.tessera.hook.adapter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Reply;

/**
 * The user the Node adapter tests call functions as, and the identity API's answers to the calls
 * {@code @netlify/identity} makes from inside a function, whatever key the tokens are signed with.
 */
final class AdapterCaller {

    static final String EMAIL = "grace@example.com";

    private AdapterCaller() {
    }

    /** The claims of the caller's token besides {@code sub}, {@code email} and {@code exp}. */
    static Map<String, Object> metadata() {
        return Map.of("app_metadata", Map.of("provider", "email", "roles", List.of("editor")),
                "user_metadata", Map.of("full_name", "Grace"));
    }

    static Instant expiry() {
        return Instant.now().plus(Duration.ofMinutes(10));
    }

    /**
     * GET /user with the admin token is what {@code getUser()} tries first, and GoTrue refuses it; the admin user
     * list has the caller.
     */
    static void answer(FunctionServer identityApi, String userId) {
        identityApi.reset();
        identityApi.on("/id/user",
                (r, n) -> Reply.json(400, "{\"code\":400,\"msg\":\"Could not read User ID claim\"}"));
        identityApi.on("/id/admin/users", (r, n) -> Reply.json(200,
                "{\"users\":[{\"id\":\"" + userId + "\",\"email\":\"" + EMAIL + "\",\"aud\":\"\",\"role\":\"\","
                        + "\"app_metadata\":{\"provider\":\"email\"},\"user_metadata\":{}}],\"aud\":\"\"}"));
    }
}
