package dev.tessera.mail.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.tessera.mail.delivery.DeliveryMetrics.Outcome;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.messaging.ConsumerContext;
import dev.tessera.platform.messaging.DeliveryLanes;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;

/**
 * Consumes the internal mail topic ({@code identity.mail.v1}, channel {@code mail-requests}) and hands each request
 * to {@link DeliveryLanes}: different users' mails are sent side by side ({@code tessera.mail.concurrency}), one
 * user's one after another, in the order of the stream. A record is acknowledged, and its offset becomes committable
 * once every record before it in its partition is too (the throttled commit strategy), only when its delivery is
 * done with. A delivery that fails is nacked, which writes the record to the dead-letter topic
 * ({@code identity.mail.v1.dlq}) and moves on; only a dead letter that cannot be written stops the channel.
 */
@ApplicationScoped
public class MailRequestConsumer {

    private static final Logger LOG = Logger.getLogger(MailRequestConsumer.class);

    private final MailRequestReader reader;
    private final MailDelivery delivery;
    private final DeliveryLanes lanes;
    private final DeliveryMetrics metrics;
    private final Vertx vertx;

    public MailRequestConsumer(MailRequestReader reader, MailDelivery delivery, DeliveryLanes lanes,
            DeliveryMetrics metrics, Vertx vertx) {
        this.reader = reader;
        this.delivery = delivery;
        this.lanes = lanes;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    /** Completes when the lanes have taken the record, not when it is mailed; its acknowledgement says that. */
    @Incoming("mail-requests")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecord<String, String> record) {
        MailRequest request;
        try {
            request = reader.read(record.getPayload());
        } catch (UndeliverableRequest poison) {
            LOG.warnf("Record %s-%d@%d goes to the dead-letter topic: %s", record.getTopic(), record.getPartition(),
                    offset(record), poison.getMessage());
            metrics.count(null, Outcome.DEAD_LETTERED);
            return deadLetter(record, poison);
        }
        // Each delivery gets a context of its own, since deliveries run side by side, and keeps its request's trace,
        // taken now: it may start later, from another delivery's context.
        ConsumerContext.Apart apart = ConsumerContext.apart(vertx);
        return lanes.offer(record.getKey(), record.getPartition(), () -> apart
                .run(context -> delivery.deliver(request, context))
                .onItemOrFailure().transformToUni((ignored, failure) -> failure == null
                        ? Uni.createFrom().completionStage(record::ack)
                        : deadLetter(record, failure)));
    }

    /**
     * The nack writes the record to the dead-letter topic and then acknowledges it. It fails only when the dead
     * letter could not be written, and then the connector stops the channel: failing here too halts the lanes, so
     * nothing after it is mailed before the record is read again.
     */
    private static Uni<Void> deadLetter(KafkaRecord<String, String> record, Throwable failure) {
        return Uni.createFrom().completionStage(() -> record.nack(failure));
    }

    private static long offset(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }
}
