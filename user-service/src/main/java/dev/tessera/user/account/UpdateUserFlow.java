package dev.tessera.user.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.user.admin.AdminCredentials;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.mail.UserMails;
import dev.tessera.user.model.EmailAddress;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.password.PasswordPolicy;
import dev.tessera.user.signin.Bans;
import dev.tessera.user.signup.RegisteredAddress;
import dev.tessera.user.model.Transactions;
import io.smallrye.mutiny.Uni;

/**
 * {@code PUT /user} (GoTrue reference §2), applied in GoTrue's order in one transaction: password, metadata,
 * app_metadata (admins only), then either the confirmation of a pending email change or the request of a new one. A
 * failure in a later step leaves nothing of the earlier ones. Unlike GoTrue, an email change is confirmed from both
 * addresses by default ({@code GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED}), and the account's address is told about
 * a new password or a completed email change ({@code GOTRUE_MAILER_NOTIFICATIONS_*_ENABLED}).
 */
@ApplicationScoped
public class UpdateUserFlow {

    static final String EMAIL_TAKEN = "Email address already registered by another user";

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final AdminCredentials admins;
    private final UserEvents events;
    private final UserMails mails;
    private final PasswordPolicy passwords;
    private final MetadataPolicy metadata;
    private final GoTrueConfig config;
    private final RegisteredAddress registered;

    public UpdateUserFlow(UserRepository users, PasswordHasher hasher, AdminCredentials admins, UserEvents events,
            UserMails mails, PasswordPolicy passwords, MetadataPolicy metadata, GoTrueConfig config,
            RegisteredAddress registered) {
        this.users = users;
        this.hasher = hasher;
        this.admins = admins;
        this.events = events;
        this.mails = mails;
        this.passwords = passwords;
        this.metadata = metadata;
        this.config = config;
        this.registered = registered;
    }

    /**
     * @param caller the caller's access token; its session ({@code session_id}, started under {@code session_epoch})
     *        is the one a password change spares while it ends the user's other sessions
     */
    public Uni<User> update(UUID id, AccessTokenClaims caller, UpdateUserParams params) {
        if (params.changesPassword()) {
            if (PasswordHasher.tooLong(params.password())) {
                throw ApiError.unprocessable("Password cannot be longer than 72 bytes");
            }
            passwords.check(params.password());
        }
        String newEmail = !params.confirmsEmailChange() && params.email() != null && !params.email().isBlank()
                ? EmailAddress.validate(params.email())
                : null;
        Uni<String> passwordHash = params.changesPassword() ? hasher.hash(params.password()) : Uni.createFrom().nullItem();
        return passwordHash.chain(hash -> Transactions.run(() -> users.lock(id).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            Bans.refuse(user);
            // An ended session's token must neither change the account nor, by changing the password, become the
            // session that change spares.
            UUID session = LiveSessions.live(user, caller);
            List<EventType> happened = new ArrayList<>();
            if (hash != null) {
                user.changePassword(hash);
                user.endSessions(session);
                happened.add(EventType.PASSWORD_CHANGED);
            }
            if (params.data() != null) {
                user.userMetadata = metadata.merge(Field.USER_METADATA, user.userMetadata, params.data());
                happened.add(EventType.USER_UPDATED);
            }
            if (params.appMetadata() != null) {
                if (!admins.isAdmin(user, config.jwt().aud().orElse(""))) {
                    return Uni.createFrom().failure(ApiError.unauthorized("Updating app_metadata requires admin privileges"));
                }
                user.appMetadata = metadata.merge(Field.APP_METADATA, user.appMetadata, params.appMetadata());
                if (!happened.contains(EventType.USER_UPDATED)) {
                    happened.add(EventType.USER_UPDATED);
                }
            }
            user.touch();
            Uni<Void> mail = hash != null && config.mailer().notifications().passwordChangedEnabled()
                    ? mails.notify(MailKind.PASSWORD_CHANGED_NOTIFICATION, user, user.email, null)
                    : Uni.createFrom().voidItem();
            if (params.confirmsEmailChange()) {
                String previous = user.email;
                if (confirmEmailChange(user, params.emailChangeToken().trim())) {
                    // The other sessions' tokens still name the old address, which anyone may now register.
                    user.endSessions(session);
                    happened.add(EventType.EMAIL_CHANGED);
                    if (config.mailer().notifications().emailChangedEnabled()) {
                        mail = mail.chain(() -> mails.notify(MailKind.EMAIL_CHANGED_NOTIFICATION, user, previous,
                                user.email));
                    }
                }
            } else if (newEmail != null && !newEmail.equalsIgnoreCase(user.email)) {
                mail = mail.chain(() -> requestEmailChange(user, newEmail));
                happened.add(EventType.EMAIL_CHANGE_REQUESTED);
            }
            return mail.chain(() -> announce(user, happened)).replaceWith(user);
        }))).onFailure(UniqueViolation::is).transform(e -> ApiError.unprocessable(EMAIL_TAKEN));
    }

    /**
     * Uses one of the pending change's tokens, and answers whether the change is now complete. With secure email
     * change the first of the two links only records its half; either link may come first.
     */
    private boolean confirmEmailChange(User user, String token) {
        if (user.emailChangeSentAt == null || user.emailChange == null
                || user.emailChangeSentAt.plus(config.mailer().confirmationMaxAge()).isBefore(Instant.now())) {
            throw ApiError.unprocessable("Email change token expired");
        }
        String presented = OpaqueToken.hashOf(token);
        // Both comparisons always run, so the answer's timing does not tell which address a token belongs to.
        boolean toNew = sameHash(presented, user.emailChangeTokenHash);
        boolean toCurrent = sameHash(presented, user.emailChangeTokenCurrentHash);
        if (!toNew && !toCurrent) {
            throw ApiError.unauthorized("Email Change Token didn't match token on file");
        }
        if (toNew) {
            user.emailChangeTokenHash = null;
        } else {
            user.emailChangeTokenCurrentHash = null;
        }
        if (user.emailChangeTokenHash != null || user.emailChangeTokenCurrentHash != null) {
            return false;
        }
        user.moveTo(user.emailChange);
        return true;
    }

    private static boolean sameHash(String presented, String stored) {
        return stored != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                stored.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Where registered addresses are concealed ({@code TESSERA_SIGNUP_CONCEAL_REGISTERED}), another user's address is
     * asked for as a free one would be: its link goes to that user's mailbox, and the change could only complete
     * through it, where the unique index refuses it. Otherwise the 422 tells who has an account, as on GoTrue; but
     * not who has only signed up: an unconfirmed user's address is asked for as a free one too (a signup answers it
     * as new), and the change fails on the unique index if it completes while that user is still there.
     */
    private Uni<Void> requestEmailChange(User user, String newEmail) {
        return users.findByEmail(user.aud, newEmail).chain(other -> {
            if (other != null && !other.id.equals(user.id) && other.isConfirmed() && !registered.concealed()) {
                return Uni.createFrom().failure(ApiError.unprocessable(EMAIL_TAKEN));
            }
            OpaqueToken toNew = OpaqueToken.generate();
            user.emailChange = newEmail;
            user.emailChangeTokenHash = toNew.hash();
            user.emailChangeSentAt = Instant.now();
            Uni<Void> sent = mails.request(MailKind.EMAIL_CHANGE, user, toNew, newEmail);
            if (!config.mailer().secureEmailChangeEnabled()) {
                user.emailChangeTokenCurrentHash = null;
                return sent;
            }
            OpaqueToken toCurrent = OpaqueToken.generate();
            user.emailChangeTokenCurrentHash = toCurrent.hash();
            return sent.chain(() -> mails.request(MailKind.EMAIL_CHANGE, user, toCurrent, user.email));
        });
    }

    private Uni<Void> announce(User user, List<EventType> happened) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (EventType type : happened) {
            chain = chain.chain(() -> events.publish(type, user));
        }
        return chain;
    }
}
