package dev.tessera.platform.internal;

/**
 * One address an OAuth provider reports for the signed-in account, with the provider's word on it: {@code verified}
 * as the provider flags it (GoTrue reference §7: Google's {@code verified_email}, Facebook always, GitLab's secondary
 * addresses never), {@code primary} for the one a new user is created with.
 */
public record ExternalEmail(String email, boolean verified, boolean primary) {
}
