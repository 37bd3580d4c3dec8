package dev.tessera.auth.verify;

/** The body of {@code POST /verify}. {@code password} is read only when an invited user accepts. */
public record VerifyParams(String type, String token, String password) {
}
