package dev.tessera.platform.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Stands in for auth-service's published key set in a verifier's tests: {@code TESSERA_JWT_KEYS_URL} points here,
 * every fetch is counted, and the answer is whatever JWK set a test last gave {@link #serve}.
 */
public class PublishedKeySetStub extends InternalApiStub {

    /** Fetches so far. */
    public static final AtomicInteger FETCHES = new AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Object served = Map.of("keys", List.of());

    /** From now on, answer this JWK set (JSON). */
    public static void serve(String jwkSet) {
        try {
            served = JSON.readValue(jwkSet, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    protected String urlProperty() {
        return "tessera.jwt.keys-url";
    }

    @Override
    protected Map<String, BiFunction<String, JsonNode, Answer>> routes() {
        return Map.of("/", (path, body) -> {
            FETCHES.incrementAndGet();
            return Answer.ok(served);
        });
    }
}
