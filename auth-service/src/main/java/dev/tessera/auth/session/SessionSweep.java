package dev.tessera.auth.session;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.config.GoTrueConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Keeps what sessions leave behind bounded. Ending a session deletes it with its tokens at once; what nobody ends
 * is deleted here:
 * <ul>
 * <li>tokens issued longer ago than the refresh-token lifetime (or the inactivity timeout, when shorter), plus
 * {@code tessera.sessions.expired-retention}, and the sessions whose live token they were: such a session can never
 * be refreshed again. The retention lets a client coming back after a long absence be told
 * {@code Refresh token expired} rather than {@code Invalid Refresh Token};</li>
 * <li>rotated-out tokens, {@code tessera.sessions.rotated-retention} after their rotation (at least the reuse
 * interval; with reuse detection off, just the interval): until then, presenting one again is recognised;</li>
 * <li>with {@code GOTRUE_SESSIONS_TIMEBOX}, sessions older than it.</li>
 * </ul>
 * Each sweep deletes in batches, each its own short statement, so it never holds many row locks or a long
 * transaction; every replica sweeps, and a batch skips rows another replica is deleting.
 */
@ApplicationScoped
public class SessionSweep {

    private static final Logger LOG = Logger.getLogger(SessionSweep.class);

    /** How many rows each sweep deleted. */
    public record Swept(long expired, long rotated, long timedOut) {
    }

    private final SessionStore store;
    private final Duration expiredKept;
    private final Duration rotatedKept;
    private final Duration timebox;
    private final int batchSize;

    public SessionSweep(SessionStore store, GoTrueConfig config, SessionSettings settings,
            @ConfigProperty(name = "tessera.sessions.expired-retention", defaultValue = "P1D") Duration expiredRetention,
            @ConfigProperty(name = "tessera.sessions.rotated-retention", defaultValue = "P1D") Duration rotatedRetention,
            @ConfigProperty(name = "tessera.sessions.sweep-batch-size", defaultValue = "5000") int batchSize) {
        this.store = store;
        Duration lifetime = Duration.ofSeconds(config.jwt().refreshTokenLifetime());
        Duration inactivity = settings.sessions().inactivityTimeout().filter(d -> d.compareTo(Duration.ZERO) > 0)
                .orElse(lifetime);
        this.expiredKept = (inactivity.compareTo(lifetime) < 0 ? inactivity : lifetime).plus(expiredRetention);
        Duration interval = Duration.ofSeconds(Math.max(0, settings.security().refreshTokenReuseInterval()));
        this.rotatedKept = settings.security().refreshTokenRotationEnabled() && rotatedRetention.compareTo(interval) > 0
                ? rotatedRetention : interval;
        this.timebox = settings.sessions().timebox().filter(d -> d.compareTo(Duration.ZERO) > 0).orElse(null);
        this.batchSize = batchSize;
    }

    @Scheduled(every = "${tessera.sessions.sweep-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweep(Instant.now()).invoke(swept -> {
            if (swept.expired() + swept.rotated() + swept.timedOut() > 0) {
                LOG.infof("Deleted %d expired refresh tokens, %d rotated-out ones and %d sessions past the timebox",
                        swept.expired(), swept.rotated(), swept.timedOut());
            }
        }).onFailure().invoke(failure -> LOG.warnf("Session sweep failed, will retry: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Sweeps as if it were {@code now}; answers how much was deleted. */
    public Uni<Swept> sweep(Instant now) {
        return inBatches(store::deleteIssuedBefore, now.minus(expiredKept), 0)
                .chain(expired -> inBatches(store::deleteRotatedBefore, now.minus(rotatedKept), 0)
                        .chain(rotated -> (timebox == null ? Uni.createFrom().item(0L)
                                : inBatches(store::deleteStartedBefore, now.minus(timebox), 0))
                                .map(timedOut -> new Swept(expired, rotated, timedOut))));
    }

    private Uni<Long> inBatches(BiFunction<Instant, Integer, Uni<Integer>> delete, Instant cutoff, long deleted) {
        return delete.apply(cutoff, batchSize).chain(count -> count < batchSize
                ? Uni.createFrom().item(deleted + count)
                : inBatches(delete, cutoff, deleted + count));
    }
}
