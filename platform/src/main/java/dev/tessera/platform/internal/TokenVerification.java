package dev.tessera.platform.internal;

/**
 * auth-service asks user-service to redeem a one-time token ({@code type} signup or recovery); {@code password} is
 * set when an invited user accepts.
 */
public record TokenVerification(String type, String token, String password) {
}
