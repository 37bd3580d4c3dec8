package dev.tessera.auth.session;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, UUID> {

    /** What a claimed refresh token was: enough to check its age and continue its session. */
    public record Claimed(UUID id, UUID userId, UUID sessionId, Instant createdAt) {
    }

    /**
     * Revokes a live token and says what it was, or null when there is no such live token. The row is read with
     * {@code FOR UPDATE}: of two concurrent refreshes with one token, the second waits for the first to commit, then
     * no longer finds it live. Call inside the transaction that issues the successor, so a failure before commit
     * leaves the token live.
     *
     * <p>HQL, not one native {@code UPDATE ... RETURNING}: Hibernate keys its query-plan cache for a native query
     * on a result mapping that never equals the previous one (with an {@code Object[]} or an entity result alike),
     * so every execution added an entry under the same hash, and lookups, and the eviction of every other plan, grew
     * with the cache. Two statements on a cached plan cost less than one on that path.
     */
    public Uni<Claimed> claim(String tokenHash) {
        return find("tokenHash = ?1 and revoked = false", tokenHash).withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult()
                .map(token -> {
                    if (token == null) {
                        return null;
                    }
                    token.revoked = true;
                    token.updatedAt = Instant.now();
                    return new Claimed(token.id, token.userId, token.sessionId, token.createdAt);
                });
    }

    /** Revokes every live refresh token of a user (all devices); answers how many. */
    public Uni<Integer> revokeAllOf(UUID userId) {
        return update("revoked = true, updatedAt = ?1 where userId = ?2 and revoked = false", Instant.now(), userId);
    }
}
