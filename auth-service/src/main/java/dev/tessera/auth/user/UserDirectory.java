package dev.tessera.auth.user;

import static dev.tessera.platform.internal.InternalErrors.unreachable;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.ExternalLogin;
import dev.tessera.platform.internal.ExternalLoginResult;
import dev.tessera.platform.internal.InviteCheck;
import dev.tessera.platform.internal.PasswordCheck;
import dev.tessera.platform.internal.SessionsEnd;
import dev.tessera.platform.internal.TokenVerification;
import dev.tessera.platform.internal.UserIdentity;
import io.smallrye.mutiny.Uni;

/** Asks user-service who a user is; an unreachable user-service is a 503, not a stack trace. */
@ApplicationScoped
public class UserDirectory {

    private static final String USER_SERVICE = "User service";

    private final UserServiceClient client;

    public UserDirectory(@RestClient UserServiceClient client) {
        this.client = client;
    }

    public Uni<UserIdentity> authenticate(String email, String password, String aud) {
        return unreachable(USER_SERVICE, client.authenticate(new PasswordCheck(email, password, aud)));
    }

    public Uni<UserIdentity> verify(String type, String token, String password) {
        return unreachable(USER_SERVICE, client.verify(new TokenVerification(type, token, password)));
    }

    /** Signs in (and if need be creates or confirms) the person an OAuth provider vouched for. */
    public Uni<ExternalLoginResult> externalLogin(ExternalLogin login) {
        return unreachable(USER_SERVICE, client.externalLogin(login));
    }

    /** Succeeds when the invite token is still redeemable; 404 otherwise. */
    public Uni<Void> checkInvite(String token) {
        return unreachable(USER_SERVICE, client.checkInvite(new InviteCheck(token)));
    }

    /** Ends the user's sessions as user-service judges access tokens; nothing to do when the user is gone. */
    public Uni<Void> endSessions(UUID id, SessionsEnd end) {
        return unreachable(USER_SERVICE, client.endSessions(id, end))
                .onFailure(e -> e instanceof ApiError api && api.status() == 404).recoverWithNull();
    }

    /** The user's current identity, or null when the user no longer exists. */
    public Uni<UserIdentity> find(UUID id) {
        return unreachable(USER_SERVICE, client.get(id))
                .onFailure(e -> e instanceof ApiError api && api.status() == 404).recoverWithNull();
    }
}
