package dev.tessera.user.signup;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.model.User;
import io.smallrye.mutiny.Uni;

/**
 * A signup with the address of a confirmed user. GoTrue answers 400 "already registered", which tells anyone which
 * addresses have accounts; that stays the default. With {@code TESSERA_SIGNUP_CONCEAL_REGISTERED} the answer is
 * what a new address gets, a 200 with an unconfirmed user that is not stored (a fresh id, no mail), after a bcrypt
 * hash so it takes as long as a real signup. The owner's account is untouched.
 */
@ApplicationScoped
public class RegisteredAddress {

    private final boolean conceal;
    private final PasswordHasher hasher;
    private final GoTrueConfig config;

    RegisteredAddress(@ConfigProperty(name = "tessera.signup.conceal-registered", defaultValue = "false") boolean conceal,
            PasswordHasher hasher, GoTrueConfig config) {
        this.conceal = conceal;
        this.hasher = hasher;
        this.config = config;
    }

    /** Whether a registered address is answered as a free one (signup, and an email change to it). */
    public boolean concealed() {
        return conceal;
    }

    Uni<User> answer(SignupParams params, String aud) {
        if (!conceal) {
            return Uni.createFrom().failure(SignupFlow.alreadyRegistered());
        }
        return hasher.hash(params.password()).map(ignored -> {
            User lookalike = User.create(aud, params.email(), config.jwt().defaultGroupName().orElse(""), "email",
                    params.data());
            lookalike.confirmationSentAt = config.mailer().autoconfirm() ? null : Instant.now();
            lookalike.confirmedAt = config.mailer().autoconfirm() ? lookalike.createdAt : null;
            return lookalike;
        });
    }
}
