package dev.tessera.auth.session;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.config.GoTrueConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Deletes refresh tokens that can never be exchanged again: those issued more than the refresh-token lifetime ago.
 * Rotation and logout delete the tokens they end, so without this sweep only abandoned sessions would stay, one row
 * each, forever.
 *
 * <p>An expired token is kept for {@code tessera.sessions.expired-retention} past its lifetime, so that a client
 * coming back after a long absence is told {@code Refresh token expired} rather than {@code Invalid Refresh Token}.
 * The sweep deletes in batches, each its own short statement, so it never holds many row locks or a long
 * transaction; every replica sweeps, and a batch skips rows another replica is deleting.
 */
@ApplicationScoped
public class ExpiredTokenSweep {

    private static final Logger LOG = Logger.getLogger(ExpiredTokenSweep.class);

    private final SessionStore store;
    private final Duration kept;
    private final int batchSize;

    public ExpiredTokenSweep(SessionStore store, GoTrueConfig config,
            @ConfigProperty(name = "tessera.sessions.expired-retention", defaultValue = "P1D") Duration retention,
            @ConfigProperty(name = "tessera.sessions.sweep-batch-size", defaultValue = "5000") int batchSize) {
        this.store = store;
        this.kept = Duration.ofSeconds(config.jwt().refreshTokenLifetime()).plus(retention);
        this.batchSize = batchSize;
    }

    @Scheduled(every = "${tessera.sessions.sweep-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweep(Instant.now()).invoke(count -> {
            if (count > 0) {
                LOG.infof("Deleted %d refresh tokens issued more than %s ago", count, kept);
            }
        }).onFailure().invoke(failure -> LOG.warnf("Refresh-token sweep failed, will retry: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes the tokens that were issued before {@code now} minus lifetime and retention; answers how many. */
    public Uni<Long> sweep(Instant now) {
        return deleteFrom(now.minus(kept), 0);
    }

    private Uni<Long> deleteFrom(Instant cutoff, long deleted) {
        return store.deleteIssuedBefore(cutoff, batchSize).chain(count -> count < batchSize
                ? Uni.createFrom().item(deleted + count)
                : deleteFrom(cutoff, deleted + count));
    }
}
