package dev.tessera.platform.internal;

/** auth-service asks whether an invite token (from {@code /authorize?invite_token=}) is still redeemable. */
public record InviteCheck(String token) {
}
