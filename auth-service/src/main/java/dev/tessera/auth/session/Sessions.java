package dev.tessera.auth.session;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.auth.user.UserDirectory;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.internal.SessionsEnd;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.platform.outbox.Outbox;
import dev.tessera.platform.outbox.OutboxMessage;
import dev.tessera.platform.token.OpaqueToken;
import io.smallrye.mutiny.Uni;

/**
 * Sessions and their refresh tokens. A session starts at every sign-in and records the user's session epoch; its
 * refresh tokens rotate within it. Every state change commits together with its event on the public topic, in one
 * statement ({@link SessionStore}); nothing is kept in memory, so any replica can answer any request.
 *
 * <p>A rotated-out token presented again is answered, within the reuse interval, with the session's current tokens
 * (two tabs racing with one token both go on, with the same new token); after it, the whole session is revoked,
 * since one of its tokens is then in two hands. A session also ends when user-service no longer allows it (its epoch
 * was raised, or the user is gone), when it outlives {@code GOTRUE_SESSIONS_TIMEBOX}, or when it went unrefreshed for
 * {@code GOTRUE_SESSIONS_INACTIVITY_TIMEOUT}: the refresh that finds out deletes it.
 */
@ApplicationScoped
public class Sessions {

    private static final Logger LOG = Logger.getLogger(Sessions.class);
    static final String SOURCE = "urn:tessera:auth-service";
    static final String INVALID = "Invalid Refresh Token";
    /** The reason a reuse revocation gives in its event. */
    static final String REUSED = "refresh_token_reused";
    /** More rotations than any client makes within a reuse interval; a longer chain is refused. */
    private static final int LONGEST_CHAIN = 64;

    private final SessionStore store;
    private final UserDirectory directory;
    private final Outbox outbox;
    private final Duration lifetime;
    private final boolean announceRefresh;
    private final boolean detectReuse;
    private final Duration reuseInterval;
    private final Duration timebox;
    private final Duration inactivityTimeout;

    public Sessions(SessionStore store, UserDirectory directory, Outbox outbox, GoTrueConfig config,
            SessionSettings settings,
            @ConfigProperty(name = "tessera.events.token-refreshed", defaultValue = "true") boolean announceRefresh) {
        this.store = store;
        this.directory = directory;
        this.outbox = outbox;
        this.lifetime = Duration.ofSeconds(config.jwt().refreshTokenLifetime());
        this.announceRefresh = announceRefresh;
        this.detectReuse = settings.security().refreshTokenRotationEnabled();
        this.reuseInterval = Duration.ofSeconds(Math.max(0, settings.security().refreshTokenReuseInterval()));
        this.timebox = positive(settings.sessions().timebox().orElse(null));
        this.inactivityTimeout = positive(settings.sessions().inactivityTimeout().orElse(null));
    }

    /**
     * A result of issuing: the identity the access token is minted for, its session, the epoch that session started
     * under, and the refresh token.
     */
    public record Issued(UserIdentity user, UUID sessionId, long sessionEpoch, String refreshToken) {
    }

    /** Starts a session for a user who just proved who they are; {@code announce} emits a login event. */
    public Uni<Issued> start(UserIdentity user, EventType announce) {
        OpaqueToken secret = OpaqueToken.generate();
        Instant now = Instant.now();
        SessionStore.NewSession session = new SessionStore.NewSession(UUID.randomUUID(), user.id(),
                user.sessionEpoch(), now);
        SessionStore.NewToken token = new SessionStore.NewToken(UUID.randomUUID(), secret.hash(), user.id(),
                session.id(), null, now);
        OutboxMessage event = announce == null ? null
                : outbox.prepare(event(announce, user.id(), session.id(), user.email()));
        return store.open(session, token, event)
                .replaceWith(new Issued(user, session.id(), session.epoch(), secret.value()));
    }

    /**
     * Whether the session an access token names still goes on, by the rules its next refresh would apply: its row
     * exists (a logout, a revocation for reuse or a sweep deletes it), it is within {@code GOTRUE_SESSIONS_TIMEBOX},
     * and user-service allows it (its session epoch was not raised past it, the user exists). The site rules and
     * the function gateway ask before they trust a token, which otherwise speaks for an ended session until it
     * expires. Nothing is written: the refresh that finds a session over ends it.
     */
    public Uni<Boolean> live(UUID userId, UUID sessionId) {
        return store.session(sessionId, userId).chain(found -> {
            if (found == null || pastTimebox(found.startedAt(), Instant.now())) {
                return Uni.createFrom().item(false);
            }
            return ownerOf(found.ownerRead(), found.owner(), userId)
                    .map(user -> allowed(user, sessionId, found.epoch()));
        });
    }

    /**
     * The refresh grant. A live token is rotated: the user is read with it (so the new access token shows today's
     * metadata, and a raised session epoch refuses the session), then the successor is stored in one statement that
     * writes nothing if the token was rotated meanwhile; the loser of such a race is answered as a reuse. No
     * transaction is open in between.
     */
    public Uni<Issued> refresh(String presented) {
        return store.find(OpaqueToken.hashOf(presented)).chain(found -> {
            if (found == null) {
                return refused();
            }
            Instant now = Instant.now();
            if (!found.live()) {
                return reused(presented, found, now, null);
            }
            if (!found.issuedAt().isAfter(now.minus(lifetime))) {
                return Uni.createFrom().failure(
                        ApiError.oauth("invalid_grant", "Refresh token expired").clearingSessionCookie());
            }
            if (ranOut(found, found.issuedAt(), now)) {
                return endAndRefuse(found);
            }
            return ownerOf(found).chain(user -> {
                if (!allowed(user, found)) {
                    return endAndRefuse(found);
                }
                return rotate(presented, found, user);
            });
        });
    }

    private Uni<Issued> rotate(String presented, SessionStore.Presented found, UserIdentity user) {
        OpaqueToken next = OpaqueToken.generate();
        SessionStore.NewToken token = new SessionStore.NewToken(UUID.randomUUID(), next.hash(), found.userId(),
                found.sessionId(), found.tokenId(), Instant.now());
        byte[] sealed = SuccessorSeal.seal(presented, found.tokenId(), next.value());
        OutboxMessage event = announceRefresh
                ? outbox.prepare(event(EventType.TOKEN_REFRESHED, found.userId(), found.sessionId(), user.email()))
                : null;
        return store.rotate(found.tokenId(), token, sealed, event).chain(rotated -> {
            if (rotated) {
                return Uni.createFrom().item(new Issued(user, found.sessionId(), found.epoch(), next.value()));
            }
            // Another request rotated this token first (or the session just ended): answer as the reuse it now is.
            return store.find(OpaqueToken.hashOf(presented)).chain(again -> again == null || again.live() ? refused()
                    : reused(presented, again, Instant.now(), user));
        });
    }

    /**
     * A rotated-out token: within the reuse interval, the session's current tokens; after it, the session is revoked
     * (or, with detection off, only this request refused).
     */
    private Uni<Issued> reused(String presented, SessionStore.Presented found, Instant now, UserIdentity known) {
        if (!now.isBefore(found.rotatedAt().plus(reuseInterval))) {
            if (!detectReuse) {
                return refused();
            }
            OutboxMessage event = outbox.prepare(event(EventType.SESSION_REVOKED, found.userId(), found.sessionId(),
                    null, Map.of("reason", REUSED)));
            return store.end(found.userId(), SessionStore.Scope.ONLY, found.sessionId(), event, false)
                    .chain(ended -> endAccessTokens(found))
                    .chain(() -> refused());
        }
        return store.chainFrom(found.tokenId(), LONGEST_CHAIN).chain(steps -> {
            Current current = follow(presented, found.tokenId(), steps);
            if (current == null) {
                return refused();
            }
            if (ranOut(found, current.issuedAt(), now)) {
                return endAndRefuse(found);
            }
            Uni<UserIdentity> user = known != null ? Uni.createFrom().item(known) : ownerOf(found);
            return user.chain(identity -> allowed(identity, found)
                    ? Uni.createFrom().item(new Issued(identity, found.sessionId(), found.epoch(), current.value()))
                    : endAndRefuse(found));
        });
    }

    /** The session's live token, opened step by step from the presented one; null if the chain does not hold. */
    private static Current follow(String presented, UUID presentedId, List<SessionStore.Step> steps) {
        String value = presented;
        UUID id = presentedId;
        for (SessionStore.Step step : steps) {
            value = SuccessorSeal.open(step.sealedSuccessor(), value, id);
            if (value == null || !OpaqueToken.hashOf(value).equals(step.successorHash())) {
                return null;
            }
            id = step.successorId();
            if (!step.rotated()) {
                return new Current(value, step.successorIssuedAt());
            }
        }
        return null;
    }

    private record Current(String value, Instant issuedAt) {
    }

    /**
     * Logout: first user-service, which refuses the token of a session that has already ended (401, nothing
     * changed: a token stolen before a recovery must not sign its owner out) and otherwise ends the same sessions on
     * its side, so that their access tokens stop reading and changing the account at once. Then the sessions in
     * {@code scope} end here with their refresh tokens. When user-service cannot be asked, the logout still succeeds:
     * the sessions are auth-service's to end, and their access tokens expire as on GoTrue.
     *
     * @param callerSession the caller's session ({@code session_id}), or null for a token that names none
     * @param callerEpoch the epoch the caller's session started under ({@code session_epoch}), or null
     */
    public Uni<Void> logout(UUID userId, String email, SessionStore.Scope scope, UUID callerSession, Long callerEpoch,
            String scopeName) {
        UUID named = scope == SessionStore.Scope.ALL ? null : callerSession;
        IdentityEvent event = event(EventType.LOGOUT, userId, named, email, Map.of("scope", scopeName));
        return userSide(userId, new SessionsEnd(scopeName, callerSession, callerEpoch), "a " + scopeName + " logout")
                .onFailure(ApiError.class).transform(ended -> ((ApiError) ended).clearingSessionCookie())
                .chain(() -> store.end(userId, scope, named, outbox.prepare(event), true))
                .replaceWithVoid();
    }

    /**
     * A session revoked for a reused refresh token has its access tokens, the thief's and the owner's, refused on
     * {@code /user} too (user-service names it on the user). Best effort: the refresh is refused either way, and a
     * session user-service already counts as ended needs nothing more.
     */
    private Uni<Void> endAccessTokens(SessionStore.Presented found) {
        return userSide(found.userId(), new SessionsEnd(SessionsEnd.LOCAL, found.sessionId(), found.epoch()),
                "a reuse revocation")
                // 401: user-service already counts the session as ended (its epoch was raised).
                .onFailure(ApiError.class).recoverWithNull();
    }

    /**
     * Ends sessions on user-service's side. Only its {@code 401} (the caller's session had already ended) fails the
     * result; when it cannot be asked at all, {@code what} goes on with a warning, and the access tokens of the
     * sessions it ends work on {@code /user} until they expire.
     */
    private Uni<Void> userSide(UUID userId, SessionsEnd end, String what) {
        return directory.endSessions(userId, end)
                .onFailure(failure -> !(failure instanceof ApiError api && api.status() == 401))
                .recoverWithUni(failure -> {
                    LOG.warnf("%s of user %s goes on without user-service (%s): the access tokens of the sessions it"
                            + " ends keep working on /user until they expire", what, userId, failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Whether the session is past its timebox, or its live token (issued {@code lastRefresh}) past the inactivity timeout. */
    private boolean ranOut(SessionStore.Presented found, Instant lastRefresh, Instant now) {
        return pastTimebox(found.sessionStartedAt(), now)
                || (inactivityTimeout != null && !lastRefresh.plus(inactivityTimeout).isAfter(now));
    }

    /** Whether a session started then has outlived {@code GOTRUE_SESSIONS_TIMEBOX}. */
    private boolean pastTimebox(Instant startedAt, Instant now) {
        return timebox != null && !startedAt.plus(timebox).isAfter(now);
    }

    /**
     * The token's user as the statement that found it read it from user-service's identity view; asked of
     * user-service only while that view is missing.
     */
    private Uni<UserIdentity> ownerOf(SessionStore.Presented found) {
        return ownerOf(found.ownerRead(), found.owner(), found.userId());
    }

    private Uni<UserIdentity> ownerOf(boolean read, UserIdentity owner, UUID userId) {
        return read ? Uni.createFrom().item(owner) : directory.find(userId);
    }

    private static boolean allowed(UserIdentity user, SessionStore.Presented found) {
        return allowed(user, found.sessionId(), found.epoch());
    }

    private static boolean allowed(UserIdentity user, UUID sessionId, long epoch) {
        return user != null && user.allowsSession(sessionId, epoch);
    }

    /** Deletes a session that may not go on, without an event: its cause has its own, or is the passing of time. */
    private Uni<Issued> endAndRefuse(SessionStore.Presented found) {
        return store.end(found.userId(), SessionStore.Scope.ONLY, found.sessionId(), null, false)
                .chain(ended -> refused());
    }

    private <T> Uni<T> refused() {
        return Uni.createFrom().failure(ApiError.oauth("invalid_grant", INVALID).clearingSessionCookie());
    }

    private static IdentityEvent event(EventType type, UUID userId, UUID sessionId, String email) {
        return event(type, userId, sessionId, email, Map.of());
    }

    private static IdentityEvent event(EventType type, UUID userId, UUID sessionId, String email,
            Map<String, Object> more) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", userId.toString());
        if (email != null) {
            data.put("email", email);
        }
        if (sessionId != null) {
            data.put("session_id", sessionId.toString());
        }
        data.putAll(more);
        return IdentityEvent.of(SOURCE, type, userId, data);
    }

    private static Duration positive(Duration duration) {
        return duration == null || duration.isZero() || duration.isNegative() ? null : duration;
    }
}
