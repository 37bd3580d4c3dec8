package dev.tessera.user.model;

import java.util.function.Supplier;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Opens the Hibernate Reactive transactions of user-service's writes, shielded from cancellation.
 *
 * <p>When a client (the gateway, a balancer, auth-service) gives up on a request, Quarkus REST cancels the request's
 * {@code Uni}. A transaction cancelled while its statements are still on their way was rolled back under them, and
 * what reached the connection after the rollback ran on its own, outside any transaction: the fault suite found a
 * signup event published for a user row that never committed, and a confirmation committed without its event. A
 * write's outcome, and its event's, must not depend on whether anyone still waits for the answer, so once the
 * transaction is opened it runs to its commit or rollback, and only its answer is dropped. Work before the
 * transaction (hooks, deadlines) still stops when the caller has given up.
 */
public final class Transactions {

    private Transactions() {
    }

    /** {@code Panache.withTransaction(work)}, run to its end even when its subscriber cancels. */
    public static <T> Uni<T> run(Supplier<Uni<T>> work) {
        Uni<T> transaction = Panache.withTransaction(work);
        // The inner subscription is never cancelled: a cancelled emitter only ignores the outcome.
        return Uni.createFrom().emitter(emitter -> transaction.subscribe().with(emitter::complete, emitter::fail));
    }
}
