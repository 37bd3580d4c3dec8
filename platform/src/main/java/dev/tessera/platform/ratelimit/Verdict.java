package dev.tessera.platform.ratelimit;

import java.time.Duration;

import dev.tessera.platform.error.ApiError;

/** What a request's limits decided: allowed, or refused until {@code retryAfter} has passed. */
public record Verdict(boolean allowed, Duration retryAfter) {

    static final Verdict ALLOWED = new Verdict(true, Duration.ZERO);

    /** GoTrue's answer to a request over its limit. */
    public static final String EXCEEDED = "Rate limit exceeded";

    /** Passes when allowed, else fails with {@code 429 "Rate limit exceeded"} and {@code Retry-After}. */
    public void orThrow() {
        orThrow(EXCEEDED);
    }

    public void orThrow(String message) {
        if (!allowed) {
            throw ApiError.tooManyRequests(message).retryAfter(retryAfter);
        }
    }
}
