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
import dev.tessera.platform.outbox.OutboxMessage;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.auth.user.UserDirectory;
import io.smallrye.mutiny.Uni;

/**
 * Sessions and their refresh tokens. Every state change commits together with its event on the public topic, in one
 * statement ({@link SessionStore}). Rotation deletes the presented token only while it is live, so two concurrent
 * refreshes with one token cannot both succeed.
 */
@ApplicationScoped
public class Sessions {

    static final String SOURCE = "urn:tessera:auth-service";
    static final String INVALID = "Invalid Refresh Token";

    private final SessionStore store;
    private final UserDirectory directory;
    private final Outbox outbox;
    private final Duration lifetime;
    private final boolean announceRefresh;

    public Sessions(SessionStore store, UserDirectory directory, Outbox outbox, GoTrueConfig config,
            @ConfigProperty(name = "tessera.events.token-refreshed", defaultValue = "true") boolean announceRefresh) {
        this.store = store;
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
        OpaqueToken secret = OpaqueToken.generate();
        SessionStore.NewToken token = newToken(user.id(), UUID.randomUUID(), null, secret);
        OutboxMessage event = announce == null ? null
                : outbox.prepare(event(announce, user.id(), token.sessionId(), user.email()));
        return store.open(token, event).replaceWith(new Issued(user, secret.value()));
    }

    /**
     * Exchanges a refresh token for a new one in the same session (rotation). The user is looked up first, so the
     * new access token shows today's metadata; then the presented token is deleted and its successor stored in one
     * statement, which writes nothing if the token was rotated or revoked meanwhile. A failure before that leaves the
     * token live.
     */
    public Uni<Issued> refresh(String presented) {
        return store.findLive(OpaqueToken.hashOf(presented)).chain(live -> {
            if (live == null) {
                return Uni.createFrom().failure(invalid());
            }
            Instant issuedAfter = Instant.now().minus(lifetime);
            if (!live.createdAt().isAfter(issuedAfter)) {
                return Uni.createFrom().failure(
                        ApiError.oauth("invalid_grant", "Refresh token expired").clearingSessionCookie());
            }
            return directory.find(live.userId()).chain(user -> {
                if (user == null) {
                    return Uni.createFrom().failure(invalid());
                }
                OpaqueToken secret = OpaqueToken.generate();
                SessionStore.NewToken next = newToken(live.userId(), live.sessionId(), live.id(), secret);
                OutboxMessage event = announceRefresh
                        ? outbox.prepare(event(EventType.TOKEN_REFRESHED, live.userId(), live.sessionId(), user.email()))
                        : null;
                return store.rotate(live.id(), next, event, issuedAfter).map(rotated -> {
                    if (!rotated) {
                        throw invalid();
                    }
                    return new Issued(user, secret.value());
                });
            });
        });
    }

    /** Logout: deletes the user's refresh tokens on every device. Access tokens live until they expire. */
    public Uni<Void> endAll(UUID userId, String email) {
        return store.deleteAll(userId, outbox.prepare(event(EventType.LOGOUT, userId, null, email)));
    }

    private static ApiError invalid() {
        return ApiError.oauth("invalid_grant", INVALID).clearingSessionCookie();
    }

    private static SessionStore.NewToken newToken(UUID userId, UUID sessionId, UUID parentId, OpaqueToken secret) {
        return new SessionStore.NewToken(UUID.randomUUID(), secret.hash(), userId, sessionId, parentId, Instant.now());
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
