package dev.tessera.user.authenticate;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.user.model.User;
import dev.tessera.user.model.UserReader;
import dev.tessera.user.signin.LoginLockout;
import dev.tessera.user.signin.LoginLockout.Attempt;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The first step of a password check: the lockout's reservation and the account's lookup by address, in one
 * statement. They were two round trips on every password grant; the reservation is a data-modifying CTE, so the
 * lookup beside it costs no second trip, and a refused reservation reads no user.
 */
@ApplicationScoped
public class PasswordAttempts {

    /** A reserved (or uncounted) attempt and the account with the address, null when there is none. */
    public record Reserved(Attempt attempt, User user) {
    }

    private final LoginLockout lockout;
    private final UserReader users;
    private final Pool pool;
    private final String reserveAndRead;

    public PasswordAttempts(LoginLockout lockout, UserReader users, Pool pool) {
        this.lockout = lockout;
        this.users = users;
        this.pool = pool;
        // The user's columns come first, so the reader maps the row as its own; the reservation's three follow.
        this.reserveAndRead = "with reserved as (" + lockout.reservation() + ")"
                + " select u.*, r.failures, r.pending, r.lockouts from reserved r left join ("
                + users.byEmailQuery(2) + ") u on true";
    }

    /** Reserves a check of the address's password and reads its account, or fails with the lockout's 429. */
    public Uni<Reserved> reserve(String aud, String email) {
        // Every stored address is printable ASCII (EmailAddress). PostgreSQL's lower() may fold other characters
        // onto ASCII ones ('İ' onto 'i') where Java's does not, so such an address could reach an account under a
        // lockout key of its own, and PostgreSQL refuses text with NUL: such an address is counted, and reaches no
        // account.
        boolean reachesAccounts = email.chars().allMatch(c -> c > 32 && c < 127);
        if (!lockout.enabled()) {
            return reachesAccounts ? users.byEmail(aud, email).map(user -> new Reserved(Attempt.UNCOUNTED, user))
                    : Uni.createFrom().item(new Reserved(Attempt.UNCOUNTED, null));
        }
        if (!reachesAccounts) {
            return lockout.reserve(aud, email).map(attempt -> new Reserved(attempt, null));
        }
        Buffer key = LoginLockout.key(aud, email);
        Tuple parameters = users.byEmailParameters(Tuple.of(key), aud, email);
        return pool.preparedQuery(reserveAndRead).execute(parameters).chain(rows -> {
            var granted = rows.iterator();
            if (!granted.hasNext()) {
                return lockout.<Reserved>refused(key);
            }
            Row row = granted.next();
            return Uni.createFrom().item(new Reserved(lockout.granted(key, row, row.size() - 3), users.userAt(row)));
        });
    }
}
