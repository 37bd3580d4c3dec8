package dev.tessera.platform.internal;

/**
 * auth-service asks whether an invite token (from {@code /authorize?invite_token=}) is still redeemable: user-service's
 * {@code POST /internal/invites/check} answers 204 if so, else {@code 404 "User not found"}.
 */
public record InviteCheck(String token) {
}
