package dev.tessera.hook.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tessera.platform.testing.InternalApiStub;

/** auth-service's internal API for hook-service's own tests: every session goes on but those in {@link #ENDED}. */
public class AuthServiceStub extends InternalApiStub {

    /** Session ids auth-service answers as ended (404). */
    public static final Set<String> ENDED = ConcurrentHashMap.newKeySet();

    @Override
    protected String urlProperty() {
        return "tessera.auth-service.url";
    }

    @Override
    protected Map<String, BiFunction<String, JsonNode, Answer>> routes() {
        return Map.of("/internal/sessions/", (path, body) -> ENDED.contains(path.substring(
                "/internal/sessions/".length())) ? Answer.error(404, "Session not found: it has ended")
                        : new Answer(204, null));
    }
}
