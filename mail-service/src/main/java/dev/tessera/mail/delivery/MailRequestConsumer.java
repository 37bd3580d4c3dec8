package dev.tessera.mail.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.tessera.mail.delivery.DeliveryMetrics.Outcome;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.messaging.ConsumerContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Consumes the internal mail topic ({@code identity.mail.v1}, channel {@code mail-requests}). A record is
 * acknowledged, and its offset becomes committable, only when the returned Uni completes; a failure sends the
 * record to the dead-letter topic ({@code identity.mail.v1.dlq}) and the stream moves on.
 */
@ApplicationScoped
public class MailRequestConsumer {

    private static final Logger LOG = Logger.getLogger(MailRequestConsumer.class);

    private final MailRequestReader reader;
    private final MailDelivery delivery;
    private final DeliveryMetrics metrics;
    private final Vertx vertx;

    public MailRequestConsumer(MailRequestReader reader, MailDelivery delivery, DeliveryMetrics metrics, Vertx vertx) {
        this.reader = reader;
        this.delivery = delivery;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    @Incoming("mail-requests")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        MailRequest request;
        try {
            request = reader.read(record.value());
        } catch (UndeliverableRequest poison) {
            LOG.warnf("Record %s-%d@%d goes to the dead-letter topic: %s", record.topic(), record.partition(),
                    record.offset(), poison.getMessage());
            metrics.count(null, Outcome.DEAD_LETTERED);
            return Uni.createFrom().failure(poison);
        }
        return ConsumerContext.run(vertx, context -> delivery.deliver(request, context));
    }
}
