package dev.tessera.platform.internal;

import java.util.Set;

/**
 * The synchronous events ({@code validate}, {@code signup}, {@code login}) for which hook-service has at least one
 * target. Callers skip the call for the others, so an instance without event functions pays no hop per action.
 */
public record HookSubscriptions(Set<String> events) {
}
