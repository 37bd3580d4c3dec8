package dev.tessera.mail.ledger;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** The sent-mail ledger: the idempotency record that keeps a redelivered request from being mailed twice. */
@ApplicationScoped
public class SentMailLedger implements PanacheRepositoryBase<SentMail, UUID> {

    /** Whether the request was already sent or skipped, so that this delivery must do nothing. */
    @WithSession
    public Uni<Boolean> isSettled(UUID requestId) {
        return findById(requestId).map(row -> row != null && row.status.settled());
    }

    /**
     * Records an outcome. A settled row is never overwritten (another replica may have won a race after a
     * rebalance); a FAILED row takes the new outcome and accumulates the attempts.
     */
    @WithTransaction
    public Uni<Void> record(SentMail outcome) {
        return findById(outcome.requestId).chain(existing -> {
            if (existing == null) {
                return persist(outcome).replaceWithVoid();
            }
            if (!existing.status.settled()) {
                existing.absorb(outcome);
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** Forgets rows last touched before the cutoff; returns how many. */
    @WithTransaction
    public Uni<Long> pruneBefore(Instant cutoff) {
        return delete("updatedAt < ?1", cutoff);
    }
}
