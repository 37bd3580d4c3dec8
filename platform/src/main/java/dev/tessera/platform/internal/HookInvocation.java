package dev.tessera.platform.internal;

import java.util.Map;

/**
 * user-service or auth-service asks hook-service to run the synchronous identity event {@code event}
 * ({@code validate}, {@code signup} or {@code login}) for a user, before the action commits. {@code user} is the
 * GoTrue user object as it will be stored (the functions receive it unchanged).
 */
public record HookInvocation(String event, Map<String, Object> user) {
}
