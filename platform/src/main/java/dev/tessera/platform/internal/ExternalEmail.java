package dev.tessera.platform.internal;

/** One address an OAuth provider reports for the signed-in account, with the provider's word on it. */
public record ExternalEmail(String email, boolean verified, boolean primary) {
}
