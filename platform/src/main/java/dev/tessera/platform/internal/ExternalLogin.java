package dev.tessera.platform.internal;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * auth-service hands user-service what an OAuth provider said about the person at the end of {@code /callback}:
 * the provider's name, the audience, the provider's addresses, the profile that goes into {@code user_metadata}
 * ({@code full_name}, {@code avatar_url}, ...; empty values already left out) and, when the flow started from an
 * invite link, the invite token. No provider token crosses this boundary.
 *
 * <p>user-service's {@code POST /internal/external-login} answers an {@link ExternalLoginResult}, or a GoTrue error
 * ({@code {code,msg}}) for auth-service to put in the redirect. A null {@code aud} means {@code ""}. Only addresses
 * marked {@link ExternalEmail#verified()} can lead to an existing account.
 */
public record ExternalLogin(
        String provider,
        String aud,
        List<ExternalEmail> emails,
        Map<String, Object> profile,
        @JsonProperty("invite_token") String inviteToken) {
}
