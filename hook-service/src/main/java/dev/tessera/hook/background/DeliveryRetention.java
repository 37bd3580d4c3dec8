package dev.tessera.hook.background;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.tessera.hook.config.HooksConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the delivery log from growing forever: finished deliveries go after {@code tessera.hooks.background.retention}
 * (30 days). Their envelopes hold the users' addresses and metadata as sent to the functions, which is one more reason
 * not to keep them without end. Pending deliveries are never deleted. Every replica sweeps; deleting the same rows
 * twice is harmless.
 */
@ApplicationScoped
public class DeliveryRetention {

    private static final Logger LOG = Logger.getLogger(DeliveryRetention.class);

    private final DeliveryLog log;
    private final Duration retention;

    public DeliveryRetention(DeliveryLog log, HooksConfig config) {
        this.log = log;
        this.retention = config.background().retention();
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return prune(Instant.now()).invoke(count -> {
            if (count > 0) {
                LOG.infof("Removed %d finished hook deliveries older than %s", count, retention);
            }
        }).onFailure().invoke(failure -> LOG.warnf("Delivery-log sweep failed, will retry: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes the deliveries that finished more than the retention before {@code now}; answers how many. */
    public Uni<Integer> prune(Instant now) {
        return log.deleteFinishedBefore(now.minus(retention));
    }
}
