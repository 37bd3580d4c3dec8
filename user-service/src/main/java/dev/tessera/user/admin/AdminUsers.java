package dev.tessera.user.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.model.EmailAddress;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.password.PasswordPolicy;
import dev.tessera.user.signin.Bans;
import dev.tessera.user.model.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * What admins do to users. Unlike GoTrue, a user created without a password has no password at all (it cannot log
 * in with an empty one), a created user's {@code app_metadata} is applied, and an email set by an admin is validated
 * and checked for duplicates. An admin reaches only the users of its audience ({@link Caller#reaches}); any other
 * user is "not found". Setting a password, confirming and banning (supabase's {@code ban_duration}) end the user's
 * sessions.
 */
@ApplicationScoped
public class AdminUsers {

    static final String EMAIL_TAKEN = "Email address already registered by another user";
    static final int MAX_ROLE_LENGTH = 255;

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final UserEvents events;
    private final PasswordPolicy passwords;
    private final MetadataPolicy metadata;
    private final GoTrueConfig config;

    public AdminUsers(UserRepository users, PasswordHasher hasher, UserEvents events, PasswordPolicy passwords,
            MetadataPolicy metadata, GoTrueConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.events = events;
        this.passwords = passwords;
        this.metadata = metadata;
        this.config = config;
    }

    /** The user with this id; 404 when there is none or the admin does not reach it. */
    public Uni<User> find(Caller admin, UUID id) {
        return Panache.withSession(() -> users.findById(id)).map(user -> reachable(admin, user));
    }

    public Uni<User> create(Caller admin, AdminUserParams params) {
        if (params.email() == null || params.email().isBlank()) {
            throw ApiError.unprocessable("An email address is required");
        }
        String email = EmailAddress.validate(params.email());
        checkPassword(params);
        checkRole(params);
        Map<String, Object> appMetadata = metadata.merge(Field.APP_METADATA,
                new LinkedHashMap<>(Map.of("provider", "email")), params.appMetadata());
        Map<String, Object> userMetadata = metadata.replace(Field.USER_METADATA, params.userMetadata());
        Optional<Bans.Ban> ban = Bans.requested(params.banDuration(), Instant.now());
        Uni<String> hash = params.hasPassword() ? hasher.hash(params.password()) : Uni.createFrom().nullItem();
        return hash.chain(passwordHash -> Transactions.run(() -> users.findByEmail(admin.aud(), email)
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().failure(ApiError.unprocessable(EMAIL_TAKEN));
                    }
                    Instant now = Instant.now();
                    User user = new User();
                    user.id = UUID.randomUUID();
                    user.aud = admin.aud();
                    user.email = email;
                    user.encryptedPassword = passwordHash;
                    user.role = params.role() != null && !params.role().isEmpty() ? params.role()
                            : config.jwt().defaultGroupName().orElse("");
                    user.appMetadata = appMetadata;
                    user.userMetadata = userMetadata;
                    user.confirmedAt = params.confirms() ? now : null;
                    ban.ifPresent(requested -> requested.applyTo(user));
                    user.createdAt = now;
                    user.updatedAt = now;
                    Uni<Void> confirmed = user.confirmedAt == null ? Uni.createFrom().voidItem()
                            : events.publish(EventType.CONFIRMED, user, actor(admin));
                    return users.persist(user)
                            .chain(() -> events.publish(EventType.SIGNUP, user, actor(admin)))
                            .chain(() -> confirmed)
                            .replaceWith(user);
                }))).onFailure(UniqueViolation::is).transform(e -> ApiError.unprocessable(EMAIL_TAKEN));
    }

    public Uni<User> update(Caller admin, UUID id, AdminUserParams params) {
        checkPassword(params);
        checkRole(params);
        String email = params.email() == null || params.email().isBlank() ? null : EmailAddress.validate(params.email());
        Optional<Bans.Ban> ban = Bans.requested(params.banDuration(), Instant.now());
        Uni<String> hash = params.hasPassword() ? hasher.hash(params.password()) : Uni.createFrom().nullItem();
        return hash.chain(passwordHash -> Transactions.run(() -> users.lock(id).chain(user -> {
            changeable(admin, user);
            // What an admin changed (a role, app_metadata) a later signup with another password must not take over
            // with the account, as for an account an admin created (SignupFlow.replaceable).
            user.signedUp = false;
            boolean newlyConfirmed = params.confirms() && user.confirmedAt == null;
            if (params.role() != null && !params.role().isEmpty()) {
                user.role = params.role();
            }
            if (params.confirms()) {
                user.confirmedAt = Instant.now();
            }
            if (passwordHash != null) {
                user.changePassword(passwordHash);
            }
            if (passwordHash != null || newlyConfirmed) {
                user.endSessions(null);
            }
            ban.ifPresent(requested -> requested.applyTo(user));
            if (email != null) {
                user.moveTo(email);
            }
            user.appMetadata = metadata.merge(Field.APP_METADATA, user.appMetadata, params.appMetadata());
            user.userMetadata = metadata.merge(Field.USER_METADATA, user.userMetadata, params.userMetadata());
            user.touch();
            Uni<Void> confirmed = newlyConfirmed ? events.publish(EventType.CONFIRMED, user, actor(admin))
                    : Uni.createFrom().voidItem();
            Uni<Void> password = passwordHash != null ? events.publish(EventType.PASSWORD_CHANGED, user, actor(admin))
                    : Uni.createFrom().voidItem();
            return confirmed.chain(() -> password)
                    .chain(() -> events.publish(EventType.USER_UPDATED, user, actor(admin)))
                    .replaceWith(user);
        }))).onFailure(UniqueViolation::is).transform(e -> ApiError.unprocessable(EMAIL_TAKEN));
    }

    public Uni<Void> delete(Caller admin, UUID id) {
        return Transactions.run(() -> users.lock(id).chain(user -> {
            changeable(admin, user);
            return events.publish(EventType.USER_DELETED, user, actor(admin)).chain(() -> users.delete(user));
        }));
    }

    /** The role travels in every access token the user is given, so it is held to what a header can carry. */
    private static void checkRole(AdminUserParams params) {
        if (params.role() == null) {
            return;
        }
        if (!MetadataPolicy.storable(params.role())) {
            throw ApiError.badRequest("role must not contain the NUL character or a lone UTF-16 surrogate");
        }
        if (params.role().length() > MAX_ROLE_LENGTH) {
            throw ApiError.unprocessable("role is longer than " + MAX_ROLE_LENGTH + " characters");
        }
    }

    private void checkPassword(AdminUserParams params) {
        if (params.hasPassword()) {
            if (PasswordHasher.tooLong(params.password())) {
                throw ApiError.unprocessable("Password cannot be longer than 72 bytes");
            }
            passwords.check(params.password());
        }
    }

    /** The user, or 404 when there is none or the admin does not reach its audience (which it must not learn of). */
    private static User reachable(Caller admin, User user) {
        if (user == null || !admin.reaches(user.aud)) {
            throw ApiError.notFound("User not found");
        }
        return user;
    }

    /**
     * As {@link #reachable}, and a super admin only by a caller that reaches every audience too (the operator token,
     * another super admin): a super admin is an admin of every audience, so an admin of one (or a function's system
     * token) that could set its password, address or ban would hold them all.
     */
    private static void changeable(Caller admin, User user) {
        reachable(admin, user);
        if (user.superAdmin && !admin.global()) {
            throw ApiError.forbidden("A super admin can only be changed by the operator or another super admin");
        }
    }

    private static Map<String, Object> actor(Caller admin) {
        return Map.of("actor", Map.of("id", admin.id().toString(), "email", String.valueOf(admin.email())));
    }
}
