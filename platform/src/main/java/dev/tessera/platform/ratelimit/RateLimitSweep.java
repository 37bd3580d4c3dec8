package dev.tessera.platform.ratelimit;

import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Deletes the rate-limit rows whose allowance is whole again: they say what a missing row says, and without the
 * sweep every client address ever seen would keep one. Every replica sweeps, every
 * {@code tessera.rate-limit.sweep-interval}; batches skip rows another replica is deleting.
 */
@ApplicationScoped
@IfBuildProperty(name = "tessera.rate-limit.enabled", stringValue = "true")
public class RateLimitSweep {

    private static final Logger LOG = Logger.getLogger(RateLimitSweep.class);

    private final RateLimiter limiter;
    private final int batchSize;

    public RateLimitSweep(RateLimiter limiter, RateLimitConfig config) {
        this.limiter = limiter;
        this.batchSize = config.sweepBatchSize();
    }

    @Scheduled(every = "${tessera.rate-limit.sweep-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep().onFailure()
                .invoke(failure -> LOG.warnf("Rate-limit sweep failed, will retry: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes every rested row, batch by batch; answers how many. */
    public Uni<Long> sweep() {
        return sweepFrom(0);
    }

    private Uni<Long> sweepFrom(long deleted) {
        return limiter.forgetRested(batchSize).chain(count -> count < batchSize
                ? Uni.createFrom().item(deleted + count)
                : sweepFrom(deleted + count));
    }
}
