package dev.tessera.user.authenticate;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.internal.PasswordCheck;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.model.User;
import dev.tessera.user.signin.Bans;
import dev.tessera.user.signin.LoginLockout;
import io.smallrye.mutiny.Uni;

/**
 * Internal: checks an email and password for auth-service's password grant, then runs the {@code login} hook, whose
 * answer may replace the user's metadata before auth-service mints the token. Answers the OAuth error shape that
 * {@code /token} passes on, except while the address is locked out ({@link LoginLockout}: 429 with
 * {@code Retry-After}). Every path runs one bcrypt comparison, so an unknown address or a user without a password
 * takes as long as a wrong password, and counts toward a lockout the same way.
 */
@Path("/internal/authenticate")
@InternalApi
public class PasswordCheckResource {

    static final String NO_MATCH = "No user found with that email, or password invalid.";

    private final PasswordAttempts attempts;
    private final PasswordHasher hasher;
    private final LoginLockout lockout;
    private final LoginHook loginHook;

    public PasswordCheckResource(PasswordAttempts attempts, PasswordHasher hasher, LoginLockout lockout,
            LoginHook loginHook) {
        this.attempts = attempts;
        this.hasher = hasher;
        this.lockout = lockout;
        this.loginHook = loginHook;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserIdentity> check(PasswordCheck check) {
        if (check == null || check.email() == null || check.password() == null) {
            throw ApiError.oauth("invalid_grant", NO_MATCH);
        }
        String aud = check.aud() == null ? "" : check.aud();
        String email = check.email().trim();
        return attempts.reserve(aud, email).chain(reserved -> {
            User user = reserved.user();
            LoginLockout.Attempt attempt = reserved.attempt();
            return hasher.matches(check.password(), user == null ? null : user.encryptedPassword, attempt.checkBy())
                    .onFailure().call(unchecked -> lockout.abandoned(attempt))
                    .call(matches -> matches ? lockout.succeeded(attempt) : lockout.failed(attempt))
                    .map(matches -> authenticated(user, matches));
        })
                .chain(user -> loginHook.run(user, () -> ApiError.oauth("invalid_grant", NO_MATCH)))
                .map(Identities::of);
    }

    /**
     * GoTrue says "Email not confirmed" before it checks the password, which tells anyone whether an address has an
     * unconfirmed account. Here only the right password learns it: to everyone else the account looks like any
     * wrong guess.
     */
    private static User authenticated(User user, boolean matches) {
        if (user == null || !matches) {
            throw ApiError.oauth("invalid_grant", NO_MATCH);
        }
        if (!user.isConfirmed()) {
            throw ApiError.oauth("invalid_grant", "Email not confirmed");
        }
        if (user.isBanned()) {
            throw Bans.refusedGrant();
        }
        return user;
    }
}
