package dev.tessera.auth.session;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, UUID> {

    public Uni<RefreshToken> findByHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResult();
    }

    public Uni<RefreshToken> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Revokes every live refresh token of a user (all devices); answers how many. */
    public Uni<Integer> revokeAllOf(UUID userId) {
        return update("revoked = true, updatedAt = ?1 where userId = ?2 and revoked = false",
                java.time.Instant.now(), userId);
    }
}
