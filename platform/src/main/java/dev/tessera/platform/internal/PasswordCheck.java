package dev.tessera.platform.internal;

/** auth-service asks user-service whether this email and password identify a user of this audience. */
public record PasswordCheck(String email, String password, String aud) {
}
