package dev.tessera.auth.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tessera.platform.testing.InternalApiStub;

/** user-service's internal API for auth-service's own tests, answering from fixed tables. */
public class UserServiceStub extends InternalApiStub {

    /** email → answer of the authenticate call. */
    public static final Map<String, Object[]> AUTHENTICATE = new ConcurrentHashMap<>();
    /** The email of every authenticate call, oldest first. */
    public static final java.util.List<String> AUTHENTICATE_CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** token → answer of the verify call. */
    public static final Map<String, Object[]> VERIFY = new ConcurrentHashMap<>();
    /** user id → answer of the lookup call. */
    public static final Map<String, Object[]> USERS = new ConcurrentHashMap<>();
    /** The user id of every lookup call, oldest first. */
    public static final java.util.List<String> LOOKUP_CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every end-sessions call, oldest first: the user id and the body. */
    public static final java.util.List<Call> END_SESSIONS_CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** user id → answer of the end-sessions call; 204 when absent. */
    public static final Map<String, Object[]> END_SESSIONS = new ConcurrentHashMap<>();
    /** first provider address → answer of the external-login call; the bodies received are in {@link #EXTERNAL_CALLS}. */
    public static final Map<String, Object[]> EXTERNAL = new ConcurrentHashMap<>();
    public static final java.util.List<JsonNode> EXTERNAL_CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** invite token → answer of the invite check. */
    public static final Map<String, Object[]> INVITES = new ConcurrentHashMap<>();
    /** The Authorization header of the last call. */
    public static volatile String lastAuthorization;
    /** The last call, with its headers. */
    public static volatile Call lastCall;

    @Override
    protected String urlProperty() {
        return "tessera.user-service.url";
    }

    @Override
    protected Map<String, BiFunction<String, JsonNode, Answer>> routes() {
        return Map.of(
                "/internal/authenticate", (path, body) -> {
                    AUTHENTICATE_CALLS.add(body.path("email").asText());
                    return lookup(AUTHENTICATE, body.path("email").asText());
                },
                "/internal/verify", (path, body) -> lookup(VERIFY, body.path("token").asText()),
                "/internal/users/", (path, body) -> {
                    String id = path.substring("/internal/users/".length());
                    if (id.endsWith("/end-sessions")) {
                        END_SESSIONS_CALLS.add(calls().get(calls().size() - 1));
                        Object[] answer = END_SESSIONS.get(id.substring(0, id.indexOf('/')));
                        return answer == null ? new Answer(204, null) : new Answer((Integer) answer[0], answer[1]);
                    }
                    LOOKUP_CALLS.add(id);
                    return lookup(USERS, id);
                },
                "/internal/external-login", (path, body) -> {
                    EXTERNAL_CALLS.add(body);
                    return lookup(EXTERNAL, body.path("emails").path(0).path("email").asText());
                },
                "/internal/invites/check", (path, body) -> lookup(INVITES, body.path("token").asText()));
    }

    private Answer lookup(Map<String, Object[]> table, String key) {
        lastCall = calls().get(calls().size() - 1);
        lastAuthorization = lastCall.authorization();
        Object[] answer = table.get(key);
        return answer == null ? Answer.error(404, "User not found") : new Answer((Integer) answer[0], answer[1]);
    }
}
