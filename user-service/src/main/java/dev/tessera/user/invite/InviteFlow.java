package dev.tessera.user.invite;

import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.admin.Caller;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.mail.UserMails;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.model.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Invites a user: a passwordless user in the admin's audience, an invite token whose hash is stored with
 * {@code confirmation_sent_at} set, so the link expires after {@code GOTRUE_MAILER_INVITE_MAX_AGE} (GoTrue's never
 * did). The user sets a password when accepting through {@code POST /verify}.
 */
@ApplicationScoped
public class InviteFlow {

    static final String EMAIL_TAKEN = "Email address already registered by another user";

    private final UserRepository users;
    private final EventHooks hooks;
    private final UserEvents events;
    private final UserMails mails;
    private final MetadataPolicy metadata;
    private final GoTrueConfig config;

    public InviteFlow(UserRepository users, EventHooks hooks, UserEvents events, UserMails mails,
            MetadataPolicy metadata, GoTrueConfig config) {
        this.users = users;
        this.hooks = hooks;
        this.events = events;
        this.mails = mails;
        this.metadata = metadata;
        this.config = config;
    }

    public Uni<User> invite(Caller admin, String email, Map<String, Object> data) {
        metadata.check(Field.USER_METADATA, data);
        return Panache.withSession(() -> users.findByEmail(admin.aud(), email)).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(ApiError.unprocessable(EMAIL_TAKEN));
            }
            User user = newUser(admin, email, data);
            return hooks.run(HookEvent.VALIDATE, user).invoke(outcome -> EventHooks.apply(outcome, user))
                    .chain(() -> Transactions.run(() -> {
                        OpaqueToken token = OpaqueToken.generate();
                        user.confirmationTokenHash = token.hash();
                        user.confirmationSentAt = Instant.now();
                        Map<String, Object> actor = Map.of("actor", Map.of("id", admin.id().toString(),
                                "email", String.valueOf(admin.email())));
                        return users.persist(user)
                                .chain(() -> events.publish(EventType.INVITED, user, actor))
                                .chain(() -> mails.request(MailKind.INVITE, user, token, email))
                                .replaceWith(user);
                    }));
        }).onFailure(UniqueViolation::is).transform(e -> ApiError.unprocessable(EMAIL_TAKEN));
    }

    private User newUser(Caller admin, String email, Map<String, Object> data) {
        User user = User.create(admin.aud(), email, config.jwt().defaultGroupName().orElse(""), "email", data);
        user.invitedAt = user.createdAt;
        return user;
    }
}
