package dev.tessera.user.model;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import jakarta.persistence.LockModeType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.tessera.platform.db.SchemaTable;

/** Named lookups of users. Emails match case-insensitively within one audience, as GoTrue's collation did. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    private final String table;

    public UserRepository(@ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        // Native SQL does not see Hibernate's default schema, so name it.
        this.table = SchemaTable.of(schema, "users");
    }

    public Uni<User> findByEmail(String aud, String email) {
        return find("instanceId = ?1 and aud = ?2 and lower(email) = lower(?3)", User.SINGLE_INSTANCE, aud, email)
                .firstResult();
    }

    /** The users of an audience that have any of these addresses, in no particular order. */
    public Uni<List<User>> findByEmails(String aud, Collection<String> emails) {
        List<String> lower = emails.stream().map(e -> e.toLowerCase(Locale.ROOT)).distinct().toList();
        return find("instanceId = ?1 and aud = ?2 and lower(email) in ?3", User.SINGLE_INSTANCE, aud, lower).list();
    }

    public Uni<User> findByConfirmationToken(String tokenHash) {
        return find("confirmationTokenHash", tokenHash).firstResult();
    }

    public Uni<User> findByRecoveryToken(String tokenHash) {
        return find("recoveryTokenHash", tokenHash).firstResult();
    }

    /** One page of an audience's users, newest or oldest first, optionally filtered by email or full name. */
    public Uni<List<User>> page(String aud, String filter, boolean ascending, int page, int perPage) {
        return getSession().chain(session -> session
                .createNativeQuery("select " + UserReader.ENTITY_COLUMNS + " from " + table + where(filter)
                        + " order by created_at "
                        + (ascending ? "asc" : "desc") + ", id limit :limit offset :offset", User.class)
                .setParameter("instance", User.SINGLE_INSTANCE)
                .setParameter("aud", aud)
                .setParameter("filter", like(filter))
                .setParameter("limit", perPage)
                .setParameter("offset", (long) (page - 1) * perPage)
                .getResultList());
    }

    public Uni<Long> count(String aud, String filter) {
        return getSession().chain(session -> session
                .createNativeQuery("select count(*) from " + table + where(filter), Long.class)
                .setParameter("instance", User.SINGLE_INSTANCE)
                .setParameter("aud", aud)
                .setParameter("filter", like(filter))
                .getSingleResult());
    }

    private static String where(String filter) {
        return " where instance_id = :instance and aud = :aud and (cast(:filter as text) is null"
                + " or lower(email) like :filter or lower(user_metadata->>'full_name') like :filter)";
    }

    private static String like(String filter) {
        if (filter == null || filter.isEmpty()) {
            return null;
        }
        String escaped = filter.toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + escaped + "%";
    }

    /** Reloads a user and locks its row until the transaction ends. */
    public Uni<User> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
