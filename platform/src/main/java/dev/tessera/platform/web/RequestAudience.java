package dev.tessera.platform.web;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.token.AccessTokenClaims;

/**
 * GoTrue's request audience: the {@code X-JWT-AUD} header, else the bearer token's {@code aud}, else
 * {@code GOTRUE_JWT_AUD} (default empty).
 */
@ApplicationScoped
public class RequestAudience {

    public static final String HEADER = "X-JWT-AUD";

    private final GoTrueConfig config;

    public RequestAudience(GoTrueConfig config) {
        this.config = config;
    }

    public String resolve(String header, AccessTokenClaims claims) {
        if (header != null && !header.isEmpty()) {
            return header;
        }
        if (claims != null && claims.audience() != null) {
            return claims.audience();
        }
        return config.jwt().aud().orElse("");
    }
}
