package dev.tessera.auth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.token.OpaqueToken;

/**
 * Ties an OAuth flow to the browser that started it. GoTrue's state is valid for anyone who holds it, so an attacker
 * could start a flow with their own provider account and have a victim's browser finish it, signing the victim in as
 * the attacker (login CSRF). {@code /authorize} sets a short-lived cookie with a nonce and puts the nonce's hash in
 * the state; {@code /callback} insists on the pair. {@code TESSERA_OAUTH_BIND_BROWSER=false} turns this off for a
 * deployment whose {@code /authorize} and {@code /callback} are on different hosts.
 */
@ApplicationScoped
public class BrowserBinding {

    static final String COOKIE = "tessera_oauth";

    private final boolean enabled;

    public BrowserBinding(@ConfigProperty(name = "tessera.oauth.bind-browser", defaultValue = "true") boolean enabled) {
        this.enabled = enabled;
    }

    /** A fresh nonce for the cookie, or null when binding is off. */
    public String newNonce() {
        return enabled ? OpaqueToken.generate().value() : null;
    }

    public String hashOf(String nonce) {
        return nonce == null ? null : OpaqueToken.hashOf(nonce);
    }

    /** {@code Set-Cookie} for the nonce; {@code Secure} when the callback is served over https. */
    public String cookie(String nonce, String redirectUri) {
        return COOKIE + "=" + nonce + "; Path=/; Max-Age=" + OAuthStates.LIFETIME.toSeconds()
                + "; HttpOnly; SameSite=Lax" + (redirectUri.startsWith("https:") ? "; Secure" : "");
    }

    public String expired() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";
    }

    /** Whether the callback's cookie belongs to the state; with binding off every state passes. */
    public boolean matches(OAuthState state, String cookieNonce) {
        if (!enabled) {
            return true;
        }
        if (state.browser() == null || cookieNonce == null || cookieNonce.isEmpty()) {
            return false;
        }
        byte[] expected = state.browser().getBytes(StandardCharsets.US_ASCII);
        byte[] actual = hashOf(cookieNonce).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
