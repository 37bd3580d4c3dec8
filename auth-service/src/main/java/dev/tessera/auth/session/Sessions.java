package dev.tessera.auth.session;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.platform.outbox.Outbox;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.auth.user.UserDirectory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Sessions and their refresh tokens. Every state change commits together with its event on the public topic.
 * Rotation locks the presented token's row, so two concurrent refreshes with one token cannot both succeed.
 */
@ApplicationScoped
public class Sessions {

    static final String SOURCE = "urn:tessera:auth-service";
    static final String INVALID = "Invalid Refresh Token";

    private final RefreshTokenRepository tokens;
    private final UserDirectory directory;
    private final Outbox outbox;
    private final Duration lifetime;
    private final boolean announceRefresh;

    public Sessions(RefreshTokenRepository tokens, UserDirectory directory, Outbox outbox, GoTrueConfig config,
            @ConfigProperty(name = "tessera.events.token-refreshed", defaultValue = "true") boolean announceRefresh) {
        this.tokens = tokens;
        this.directory = directory;
        this.outbox = outbox;
        this.lifetime = Duration.ofSeconds(config.jwt().refreshTokenLifetime());
        this.announceRefresh = announceRefresh;
    }

    /** A result of issuing: the identity the access token is minted for and the new refresh token. */
    public record Issued(UserIdentity user, String refreshToken) {
    }

    /** Starts a session for a user who just proved who they are; {@code announce} emits a login event. */
    public Uni<Issued> start(UserIdentity user, EventType announce) {
        return Panache.withTransaction(() -> {
            OpaqueToken secret = OpaqueToken.generate();
            RefreshToken token = newToken(user.id(), UUID.randomUUID(), null, secret);
            Uni<Void> event = announce == null ? Uni.createFrom().voidItem()
                    : outbox.publish(event(announce, user.id(), token.sessionId, user.email()));
            return tokens.persist(token).chain(() -> event).replaceWith(new Issued(user, secret.value()));
        });
    }

    /**
     * Exchanges a refresh token for a new one in the same session (rotation), in one transaction: the presented
     * token is claimed (revoked) atomically, the user is looked up so the new access token shows today's metadata,
     * and the successor is stored. Any failure rolls the claim back.
     */
    public Uni<Issued> refresh(String presented) {
        String hash = OpaqueToken.hashOf(presented);
        return Panache.withTransaction(() -> tokens.claim(hash).chain(claimed -> {
            if (claimed == null) {
                return Uni.createFrom().failure(ApiError.oauth("invalid_grant", INVALID).clearingSessionCookie());
            }
            if (claimed.createdAt().plus(lifetime).isBefore(Instant.now())) {
                return Uni.createFrom().failure(
                        ApiError.oauth("invalid_grant", "Refresh token expired").clearingSessionCookie());
            }
            return directory.find(claimed.userId()).chain(user -> {
                if (user == null) {
                    return Uni.createFrom().failure(ApiError.oauth("invalid_grant", INVALID).clearingSessionCookie());
                }
                OpaqueToken secret = OpaqueToken.generate();
                RefreshToken next = newToken(claimed.userId(), claimed.sessionId(), claimed.id(), secret);
                Uni<Void> event = announceRefresh
                        ? outbox.publish(event(EventType.TOKEN_REFRESHED, claimed.userId(), claimed.sessionId(), user.email()))
                        : Uni.createFrom().voidItem();
                return tokens.persist(next).chain(() -> event).replaceWith(new Issued(user, secret.value()));
            });
        }));
    }

    /** Logout: revokes the user's refresh tokens on every device. Access tokens live until they expire. */
    public Uni<Void> endAll(UUID userId, String email) {
        return Panache.withTransaction(() -> tokens.revokeAllOf(userId)
                .chain(() -> outbox.publish(event(EventType.LOGOUT, userId, null, email))));
    }

    private static RefreshToken newToken(UUID userId, UUID sessionId, UUID parentId, OpaqueToken secret) {
        Instant now = Instant.now();
        RefreshToken token = new RefreshToken();
        token.id = UUID.randomUUID();
        token.tokenHash = secret.hash();
        token.userId = userId;
        token.sessionId = sessionId;
        token.parentId = parentId;
        token.createdAt = now;
        token.updatedAt = now;
        return token;
    }

    private static IdentityEvent event(EventType type, UUID userId, UUID sessionId, String email) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", userId.toString());
        if (email != null) {
            data.put("email", email);
        }
        if (sessionId != null) {
            data.put("session_id", sessionId.toString());
        }
        return IdentityEvent.of(SOURCE, type, userId, data);
    }
}
