package dev.tessera.auth.oauth;

import java.time.Instant;

/**
 * What {@code /authorize} remembers for {@code /callback}, carried in the provider's {@code state} parameter rather
 * than stored: GoTrue's claims ({@code provider}, {@code invite_token}, {@code referrer}, {@code site_url}) plus
 * {@code browser}, the hash of a nonce kept in a cookie of the browser that started the flow.
 */
public record OAuthState(String provider, String inviteToken, String referrer, String siteUrl, String browser,
        Instant expiresAt) {

    @Override
    public String toString() {
        // The invite token is a credential.
        return "OAuthState[" + provider + ", invite " + (inviteToken != null) + ", expires " + expiresAt + "]";
    }
}
