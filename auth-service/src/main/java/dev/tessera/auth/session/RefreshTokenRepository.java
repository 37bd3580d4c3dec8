package dev.tessera.auth.session;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, UUID> {

    /** What a claimed refresh token was: enough to check its age and continue its session. */
    public record Claimed(UUID id, UUID userId, UUID sessionId, Instant createdAt) {
    }

    private final String table;

    public RefreshTokenRepository(
            @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") Optional<String> schema) {
        // Native SQL does not see Hibernate's default schema, so name it.
        this.table = schema.map(s -> s + ".refresh_tokens").orElse("refresh_tokens");
    }

    /**
     * Revokes a live token in one statement and says what it was, or null when there is no such live token. Of two
     * concurrent refreshes with one token only one can claim it. Call inside the transaction that issues its
     * successor, so a failure before commit leaves the token live.
     */
    public Uni<Claimed> claim(String tokenHash) {
        return getSession().chain(session -> session.createNativeQuery("update " + table
                + " set revoked = true, updated_at = now() where token_hash = :hash and not revoked"
                + " returning id, user_id, session_id, created_at", Object[].class)
                .setParameter("hash", tokenHash)
                .getSingleResultOrNull())
                .map(row -> row == null ? null : new Claimed((UUID) row[0], (UUID) row[1], (UUID) row[2], instant(row[3])));
    }

    private static Instant instant(Object value) {
        return value instanceof OffsetDateTime odt ? odt.toInstant() : value instanceof Instant i ? i
                : Instant.parse(value.toString());
    }

    /** Revokes every live refresh token of a user (all devices); answers how many. */
    public Uni<Integer> revokeAllOf(UUID userId) {
        return update("revoked = true, updatedAt = ?1 where userId = ?2 and revoked = false", Instant.now(), userId);
    }
}
