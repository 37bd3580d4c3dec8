package dev.tessera.user.recover;

/** The body of {@code POST /recover}. */
public record RecoverParams(String email) {
}
