package dev.tessera.mail.ledger;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.tessera.mail.delivery.DeliveryConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the ledger from growing forever. A row only has to outlive every redelivery of its request, and the mail
 * topic keeps records for 7 days, so the default retention (30 days) leaves a wide margin. Every replica runs the
 * sweep; deleting the same old rows twice is harmless.
 */
@ApplicationScoped
public class LedgerRetention {

    private static final Logger LOG = Logger.getLogger(LedgerRetention.class);

    private final SentMailLedger ledger;
    private final Duration retention;

    public LedgerRetention(SentMailLedger ledger, DeliveryConfig config) {
        this.ledger = ledger;
        this.retention = config.ledgerRetention();
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return prune(Instant.now()).invoke(count -> {
            if (count > 0) {
                LOG.infof("Removed %d sent-mail ledger rows older than %s", count, retention);
            }
        }).replaceWithVoid();
    }

    public Uni<Long> prune(Instant now) {
        return ledger.pruneBefore(now.minus(retention));
    }
}
