package dev.tessera.user.model;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Named lookups of users. Emails match case-insensitively within one audience, as GoTrue's collation did. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    public Uni<User> findByEmail(String aud, String email) {
        return find("instanceId = ?1 and aud = ?2 and lower(email) = lower(?3)", User.SINGLE_INSTANCE, aud, email)
                .firstResult();
    }

    public Uni<User> findByConfirmationToken(String tokenHash) {
        return find("confirmationTokenHash", tokenHash).firstResult();
    }

    public Uni<User> findByRecoveryToken(String tokenHash) {
        return find("recoveryTokenHash", tokenHash).firstResult();
    }

    /** Reloads a user and locks its row until the transaction ends. */
    public Uni<User> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
