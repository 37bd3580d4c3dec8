package dev.tessera.user.signup;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.mail.UserMails;
import dev.tessera.user.model.Metadata;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Signup (GoTrue reference §2): a new address becomes an unconfirmed user with a confirmation mail, or a confirmed
 * one under autoconfirm; signing up again while unconfirmed merges the metadata and resends the mail (throttled by
 * {@code GOTRUE_SMTP_MAX_FREQUENCY}); a confirmed address is refused. The user, its events and its mail request
 * commit in one transaction.
 */
@ApplicationScoped
public class SignupFlow {

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final UserEvents events;
    private final UserMails mails;
    private final GoTrueConfig config;

    public SignupFlow(UserRepository users, PasswordHasher hasher, UserEvents events, UserMails mails,
            GoTrueConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.events = events;
        this.mails = mails;
        this.config = config;
    }

    public Uni<User> signup(SignupParams params, String aud) {
        return Panache.withSession(() -> users.findByEmail(aud, params.email()))
                .chain(existing -> existing == null
                        ? create(params, aud)
                        : signupAgain(existing.id, params.data()));
    }

    private Uni<User> create(SignupParams params, String aud) {
        return hasher.hash(params.password())
                .chain(hash -> Panache.withTransaction(() -> {
                    Instant now = Instant.now();
                    User user = new User();
                    user.id = UUID.randomUUID();
                    user.aud = aud;
                    user.email = params.email();
                    user.encryptedPassword = hash;
                    user.role = config.jwt().defaultGroupName().orElse("");
                    user.appMetadata = new java.util.LinkedHashMap<>(Map.of("provider", "email"));
                    user.userMetadata = params.data();
                    user.createdAt = now;
                    user.updatedAt = now;
                    return users.persist(user)
                            .chain(() -> events.publish(EventType.SIGNUP, user))
                            .chain(() -> confirmOrSendMail(user))
                            .replaceWith(user);
                }))
                .onFailure(UniqueViolation::is).transform(e -> alreadyRegistered());
    }

    private Uni<User> signupAgain(UUID id, Map<String, Object> data) {
        return Panache.withTransaction(() -> users.lock(id).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            if (user.isConfirmed()) {
                return Uni.createFrom().failure(alreadyRegistered());
            }
            Uni<Void> updated = Uni.createFrom().voidItem();
            if (data != null) {
                user.userMetadata = Metadata.merge(user.userMetadata, data);
                user.touch();
                updated = events.publish(EventType.USER_UPDATED, user);
            }
            return updated.chain(() -> confirmOrSendMail(user)).replaceWith(user);
        }));
    }

    private Uni<Void> confirmOrSendMail(User user) {
        Instant now = Instant.now();
        if (config.mailer().autoconfirm()) {
            user.confirmedAt = now;
            user.touch();
            return events.publish(EventType.CONFIRMED, user);
        }
        if (user.confirmationSentAt != null
                && user.confirmationSentAt.plus(config.smtp().maxFrequency()).isAfter(now)) {
            // GoTrue skips a resend inside the throttle window silently.
            return Uni.createFrom().voidItem();
        }
        OpaqueToken token = OpaqueToken.generate();
        user.confirmationTokenHash = token.hash();
        user.confirmationSentAt = now;
        user.touch();
        return mails.request(MailKind.CONFIRMATION, user, token, user.email);
    }

    private static ApiError alreadyRegistered() {
        return ApiError.badRequest("A user with this email address has already been registered");
    }
}
