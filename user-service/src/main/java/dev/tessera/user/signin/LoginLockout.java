package dev.tessera.user.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.error.ApiError;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The per-account lockout of the password grant ({@code docs/decisions/2026-12-01-account-defences.md}). Every
 * password check first reserves an attempt in one upsert on the plain reactive client, which also decides whether
 * the attempt may go ahead: the failures of the current streak plus the attempts under way must stay below
 * {@code TESSERA_LOGIN_LOCKOUT_MAX_FAILURES}, so however many guesses arrive at once, on however many replicas, no
 * more than that many are checked. The failure that completes the streak locks the account for
 * {@code TESSERA_LOGIN_LOCKOUT_DURATION}, doubled for each lockout in a row up to {@code _MAX_DURATION}; while locked,
 * every attempt (the right password too) answers 429 with {@code Retry-After}.
 *
 * <p>Rows are keyed by a hash of audience and address, whether an account has it or not, so an unknown address is
 * counted, locked and answered exactly as a known one. A success writes nothing when the reservation found nothing
 * to forget (its own slot then lapses after {@link #SLOT}); otherwise it deletes the row, as a completed recovery
 * does.
 */
@ApplicationScoped
@Startup
public class LoginLockout {

    /**
     * How long a reserved attempt counts as under way. Its password check must start within half of it (the other
     * half absorbs clock skew between this replica and the database), else it is answered 503 unchecked: a check
     * that ran after its slot lapsed could exceed the limit.
     */
    static final Duration SLOT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(LoginLockout.class);
    private static final int SWEEP_BATCH = 5000;

    private final LockoutSettings settings;
    private final Pool pool;
    private final String reserve;
    private final String waitOf;
    private final String fail;
    private final String release;
    private final String clear;
    private final String sweep;

    public LoginLockout(LockoutSettings settings, Pool pool,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.settings = settings;
        this.pool = pool;
        String table = SchemaTable.of(schema, "login_attempts");
        int max = settings.maxFailures();
        Duration first = settings.duration();
        if (max < 1 || first.isNegative() || first.isZero() || settings.maxDuration().compareTo(first) < 0) {
            throw new IllegalArgumentException("TESSERA_LOGIN_LOCKOUT_MAX_FAILURES must be at least 1, and"
                    + " TESSERA_LOGIN_LOCKOUT_MAX_DURATION at least TESSERA_LOGIN_LOCKOUT_DURATION, which must be positive");
        }
        String slotEnd = "now() + " + millis(SLOT);
        String forgotten = "a.last_attempt_at < now() - " + millis(settings.resetAfter());
        // The failures that count: none once the streak was forgotten or its lockout is over.
        String failures = "(case when " + forgotten + " or a.locked_until <= now() then 0 else a.failures end)";
        String underWay = "(case when a.pending_until > now() then a.pending else 0 end)";
        this.reserve = "insert into " + table + " as a (key, pending, pending_until, failures, lockouts, locked_until,"
                + " last_attempt_at) values ($1, 1, " + slotEnd + ", 0, 0, null, now())"
                + " on conflict (key) do update set pending = " + underWay + " + 1, pending_until = " + slotEnd + ","
                + " failures = " + failures + ","
                + " lockouts = case when " + forgotten + " then 0 else a.lockouts end,"
                + " locked_until = null, last_attempt_at = now()"
                + " where (a.locked_until is null or a.locked_until <= now()) and " + failures + " + " + underWay
                + " < " + max
                + " returning failures, pending, lockouts";
        this.waitOf = "select extract(epoch from coalesce(case when locked_until > now() then locked_until end,"
                + " pending_until) - now()) from " + table + " where key = $1";
        String locks = "a.failures + 1 >= " + max;
        String lockEnd = "now() + least(" + settings.maxDuration().toMillis() + "::float8, "
                + settings.duration().toMillis() + "::float8 * power(2::float8, least(a.lockouts, 40)))"
                + " * interval '1 millisecond'";
        String firstLockEnd = "now() + " + millis(settings.duration());
        boolean firstLocks = 1 >= max;
        this.fail = "insert into " + table + " as a (key, pending, pending_until, failures, lockouts, locked_until,"
                + " last_attempt_at) values ($1, 0, null, " + (firstLocks ? "0, 1, " + firstLockEnd : "1, 0, null")
                + ", now())"
                + " on conflict (key) do update set pending = greatest(" + underWay + " - 1, 0),"
                + " failures = case when " + locks + " then 0 else a.failures + 1 end,"
                + " lockouts = case when " + locks + " then a.lockouts + 1 else a.lockouts end,"
                + " locked_until = case when " + locks + " then " + lockEnd + " else a.locked_until end,"
                + " last_attempt_at = now()";
        this.release = "update " + table + " as a set pending = greatest(" + underWay + " - 1, 0) where key = $1";
        this.clear = "delete from " + table + " where key = $1";
        this.sweep = "delete from " + table + " where key in (select key from " + table
                + " where last_attempt_at < now() - " + millis(settings.resetAfter())
                + " and (locked_until is null or locked_until < now()) limit " + SWEEP_BATCH + " for update skip locked)";
    }

    /** An attempt allowed to go ahead, and what its reservation found. */
    public record Attempt(Buffer key, int failuresBefore, int underWayBefore, int lockoutsBefore, Instant checkBy) {

        public static final Attempt UNCOUNTED = new Attempt(null, 0, 0, 0, Instant.MAX);

        /** No streak to forget: no failures, no lockouts. */
        boolean noStreak() {
            return failuresBefore == 0 && lockoutsBefore == 0;
        }
    }

    /** Whether attempts are counted at all ({@code TESSERA_LOGIN_LOCKOUT_ENABLED}). */
    public boolean enabled() {
        return settings.enabled();
    }

    /** Reserves one password check for the address, or fails with 429 and {@code Retry-After}. */
    public Uni<Attempt> reserve(String aud, String email) {
        if (!settings.enabled()) {
            return Uni.createFrom().item(Attempt.UNCOUNTED);
        }
        Buffer key = key(aud, email);
        return pool.preparedQuery(reserve).execute(Tuple.of(key)).chain(rows -> {
            var found = rows.iterator();
            if (found.hasNext()) {
                return Uni.createFrom().item(granted(key, found.next(), 0));
            }
            return this.<Attempt>refused(key);
        });
    }

    /**
     * The reservation as one statement of its own, with the key as {@code $1}, answering a row ({@code failures,
     * pending, lockouts}) when the attempt may go ahead and none when it is refused: another statement may carry it
     * as a data-modifying CTE and read {@link #granted} from its row, or answer {@link #refused}.
     */
    public String reservation() {
        return reserve;
    }

    /** The attempt a reservation's row grants, its three columns from {@code first} on. */
    public Attempt granted(Buffer key, Row row, int first) {
        return new Attempt(key, row.getInteger(first), row.getInteger(first + 1) - 1, row.getInteger(first + 2),
                Instant.now().plus(SLOT.dividedBy(2)));
    }

    /** A reservation that answered no row: fails with 429 and the wait until the address may try again. */
    public <T> Uni<T> refused(Buffer key) {
        return pool.preparedQuery(waitOf).execute(Tuple.of(key)).map(LoginLockout::refusal);
    }

    private static <T> T refusal(RowSet<Row> rows) {
        var found = rows.iterator();
        Double seconds = found.hasNext() ? found.next().getDouble(0) : null;
        Duration wait = seconds == null || seconds < 1 ? Duration.ofSeconds(1) : Duration.ofMillis((long) (seconds * 1000));
        throw ApiError.tooManyRequests("Too many login attempts for this account, try again later").retryAfter(wait);
    }

    /** The password did not match (or no account has the address). */
    public Uni<Void> failed(Attempt attempt) {
        return attempt.key() == null ? Uni.createFrom().voidItem()
                : pool.preparedQuery(fail).execute(Tuple.of(attempt.key())).replaceWithVoid();
    }

    /**
     * The password matched: the streak is over. Without a streak to forget, the slot is given back only when other
     * attempts were under way (alone, it lapses unwritten); the update changes no indexed column, so PostgreSQL
     * makes it in place, where deleting the row and inserting it again at the next login left a dead row and index
     * entries behind each time (an account signing in often, such as a service's, did that at every login).
     */
    public Uni<Void> succeeded(Attempt attempt) {
        if (attempt.key() == null || attempt.noStreak() && attempt.underWayBefore() == 0) {
            return Uni.createFrom().voidItem();
        }
        String statement = attempt.noStreak() ? release : clear;
        return pool.preparedQuery(statement).execute(Tuple.of(attempt.key())).replaceWithVoid();
    }

    /** No password was checked (the service was too busy): the slot is given back. */
    public Uni<Void> abandoned(Attempt attempt) {
        return attempt.key() == null ? Uni.createFrom().voidItem()
                : pool.preparedQuery(release).execute(Tuple.of(attempt.key())).replaceWithVoid();
    }

    /** Forgets the address's failures and lifts its lockout (a completed recovery proved the owner). */
    public Uni<Void> reset(String aud, String email) {
        return !settings.enabled() ? Uni.createFrom().voidItem()
                : pool.preparedQuery(clear).execute(Tuple.of(key(aud, email))).replaceWithVoid();
    }

    /** Deletes rows that count for nothing any more: untouched for the reset period and not locked. */
    public Uni<Integer> forgetStale() {
        return pool.query(sweep).execute().map(RowSet::rowCount).chain(count -> count < SWEEP_BATCH
                ? Uni.createFrom().item(count)
                : forgetStale().map(more -> count + more));
    }

    @Scheduled(every = "${tessera.login-lockout.sweep-interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepStale() {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return forgetStale()
                .onFailure().invoke(failure -> LOG.warnf("Login-lockout sweep failed, will retry: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** SHA-256 of audience and lower-case address: the table holds no addresses, typed ones or real. */
    public static Buffer key(String aud, String email) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(aud.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return Buffer.buffer(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String millis(Duration duration) {
        return "interval '" + duration.toMillis() + " milliseconds'";
    }
}
