package dev.tessera.user.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tessera.platform.testing.InternalApiStub;

/**
 * hook-service's synchronous hooks for user-service's own tests: every event subscribed, answering {@code {}} unless
 * a test sets an answer for an event and email. Records which hooks ran for which user.
 */
public class HookServiceStub extends InternalApiStub {

    /** "event email" → answer. */
    public static final Map<String, Answer> ANSWERS = new ConcurrentHashMap<>();
    /** "event email" → how long the answer takes (a slow function). */
    public static final Map<String, Duration> DELAYS = new ConcurrentHashMap<>();
    /** "event email" of every hook call, in order. */
    static final List<String> RAN = new CopyOnWriteArrayList<>();

    public static String key(String event, String email) {
        return event + " " + email.toLowerCase();
    }

    /** The hooks that ran for a user, in order. */
    public static List<String> ran(String email) {
        String suffix = " " + email.toLowerCase();
        return RAN.stream().filter(k -> k.endsWith(suffix)).map(k -> k.substring(0, k.length() - suffix.length()))
                .toList();
    }

    @Override
    protected String urlProperty() {
        return "tessera.hook-service.url";
    }

    @Override
    protected Map<String, BiFunction<String, JsonNode, Answer>> routes() {
        return Map.of("/internal/hooks", (path, body) -> {
            if (path.equals("/internal/hooks")) {
                return Answer.ok(Map.of("events", List.of("validate", "signup", "login")));
            }
            String event = path.substring("/internal/hooks/".length());
            String key = key(event, body.path("user").path("email").asText());
            RAN.add(key);
            Duration delay = DELAYS.get(key);
            if (delay != null) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ANSWERS.getOrDefault(key, Answer.ok(Map.of()));
        });
    }
}
