package dev.tessera.auth.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.ratelimit.Limit;
import dev.tessera.platform.ratelimit.RateLimitConfig;
import dev.tessera.platform.ratelimit.RateLimiter;
import io.smallrye.mutiny.Uni;

/**
 * The limits of auth-service's public routes, each checked in one statement before any other work: the password
 * grant per client address and per account (here, where the account is named, so user-service's internal
 * password check, whose caller is auth-service, needs none), the refresh grant per client address, and
 * {@code /verify} per client address and per token. Over a limit answers {@code 429 "Rate limit exceeded"} with
 * {@code Retry-After}, as GoTrue's {@code /token} limit does.
 */
@ApplicationScoped
public class AuthRateLimits {

    private final RateLimiter limiter;
    private final GoTrueConfig gotrue;
    private final RateLimitConfig config;

    public AuthRateLimits(RateLimiter limiter, GoTrueConfig gotrue, RateLimitConfig config) {
        this.limiter = limiter;
        this.gotrue = gotrue;
        this.config = config;
    }

    /** A {@code /token} request: the limits of its grant; an unknown grant costs nothing and is refused anyway. */
    public Uni<Void> token(String grantType, String username, String aud, String client) {
        List<Limit> limits = new ArrayList<>();
        switch (grantType) {
            case "password" -> {
                limits.add(new Limit("password.client", client, config.password().perClient()));
                String account = username.trim().toLowerCase(Locale.ROOT);
                if (!account.isEmpty()) {
                    limits.add(new Limit("password.account", aud + "\n" + account, config.password().perAccount()));
                }
            }
            case "refresh_token" -> limits.add(new Limit("refresh.client", client, gotrue.rateLimitTokenRefresh()));
            default -> {
                return Uni.createFrom().voidItem();
            }
        }
        return limiter.check(limits);
    }

    /** A {@code /verify} request; the token is counted only when there is one. */
    public Uni<Void> verify(String token, String client) {
        List<Limit> limits = new ArrayList<>();
        limits.add(new Limit("verify.client", client, gotrue.rateLimitVerify()));
        if (token != null && !token.isBlank()) {
            limits.add(new Limit("verify.token", token.trim(), config.verify().perToken()));
        }
        return limiter.check(limits);
    }
}
