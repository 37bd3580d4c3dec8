package dev.tessera.user.external;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.ExternalLoginResult;
import dev.tessera.platform.internal.ExternalLoginResult.Outcome;
import dev.tessera.user.authenticate.Identities;
import dev.tessera.user.authenticate.LoginHook;
import dev.tessera.user.confirm.Confirmations;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.signin.Bans;
import dev.tessera.user.signup.SignupFlow;
import dev.tessera.user.model.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Decides what an OAuth sign-in does once the provider has spoken (GoTrue reference §7, {@code /callback} steps 3
 * and 4): an invite token accepts that invite ({@link ExternalInvite}); otherwise the first account whose address the
 * provider <em>verified</em> is signed in (confirmed: {@code login} hook) or confirmed ({@code signup} hook), and when
 * none matches a user is created ({@link ExternalSignup}). Each hook runs once per path.
 *
 * <p>Unlike GoTrue, addresses the provider has not verified never lead to an existing account, not even under
 * autoconfirm: whoever controls a provider account can add any address to it unverified, and linking by it would hand
 * them the account that address belongs to. Such an address can only create a new user, and only if no account has
 * it.
 */
@ApplicationScoped
class ExternalLoginFlow {

    private final UserRepository users;
    private final EventHooks hooks;
    private final LoginHook loginHook;
    private final Confirmations confirmations;
    private final ExternalSignup signup;
    private final ExternalInvite invite;

    public ExternalLoginFlow(UserRepository users, EventHooks hooks, LoginHook loginHook, Confirmations confirmations,
            ExternalSignup signup, ExternalInvite invite) {
        this.users = users;
        this.hooks = hooks;
        this.loginHook = loginHook;
        this.confirmations = confirmations;
        this.signup = signup;
        this.invite = invite;
    }

    Uni<ExternalLoginResult> signIn(ExternalSignIn signIn) {
        if (signIn.inviteToken() != null) {
            return invite.accept(signIn).map(user -> answer(Outcome.CONFIRMED, user));
        }
        // Two first sign-ins of one person can race to create the user; the loser finds the winner's user on a second
        // look. A second collision means the address is taken after all.
        return byVerifiedEmail(signIn)
                .onFailure(e -> e instanceof LostRace || UniqueViolation.is(e)).recoverWithUni(() -> byVerifiedEmail(signIn))
                .onFailure(e -> e instanceof LostRace || UniqueViolation.is(e)).transform(e -> SignupFlow.alreadyRegistered());
    }

    private Uni<ExternalLoginResult> byVerifiedEmail(ExternalSignIn signIn) {
        return Panache.withSession(() -> firstAccount(signIn.aud(), signIn.verifiedEmails())).chain(found -> {
            if (found == null) {
                return signup.create(signIn);
            }
            Bans.refuse(found);
            if (found.isConfirmed()) {
                return loginHook.run(found, () -> ApiError.notFound("User not found"))
                        .map(user -> answer(Outcome.LOGGED_IN, user));
            }
            return confirm(found).map(user -> answer(Outcome.CONFIRMED, user));
        });
    }

    /** The account of the first address, in the provider's order, that has one. */
    private Uni<User> firstAccount(String aud, List<String> emails) {
        if (emails.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return users.findByEmails(aud, emails).map(found -> emails.stream()
                .flatMap(email -> found.stream().filter(user -> user.email.equalsIgnoreCase(email)))
                .findFirst().orElse(null));
    }

    /**
     * The provider has proven the address of a user who never confirmed it. Whoever signed up with it chose the
     * password without proving the address, perhaps to sit in wait in someone else's account; so, unlike GoTrue,
     * the password is cleared and the account's owner can set one through recovery. The pending link goes too.
     */
    private Uni<User> confirm(User found) {
        return hooks.run(HookEvent.SIGNUP, found).chain(outcome -> Transactions.run(() -> users.lock(found.id)
                .chain(user -> {
                    if (user == null) {
                        return Uni.createFrom().failure(ApiError.notFound("User not found"));
                    }
                    if (user.isConfirmed()) {
                        // Confirmed by its mailed link meanwhile: the next look signs it in instead.
                        return Uni.createFrom().failure(new LostRace());
                    }
                    user.forgetUnprovenSignup();
                    EventHooks.apply(outcome, user);
                    return confirmations.confirm(user).replaceWith(user);
                })));
    }

    static ExternalLoginResult answer(Outcome outcome, User user) {
        return new ExternalLoginResult(outcome, Identities.of(user));
    }
}
