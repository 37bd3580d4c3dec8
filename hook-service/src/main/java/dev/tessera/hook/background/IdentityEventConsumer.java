package dev.tessera.hook.background;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.delivery.HookMetrics;
import dev.tessera.platform.messaging.ConsumerContext;
import dev.tessera.platform.messaging.DeliveryLanes;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;

/**
 * Consumes the public topic {@code identity.events.v1} (channel {@code identity-events}, the whole CloudEvent as
 * text) and hands each event to {@link DeliveryLanes}, which delivers different users' events side by side and one
 * user's in order. A record is acknowledged, and its offset becomes committable once every record before it in its
 * partition is too (the throttled commit strategy), only when every target is delivered or dead-lettered, so a
 * restart resumes where deliveries were not finished and nothing is lost. A delivery that fails beyond its retries
 * is nacked, which stops the channel. With nothing to deliver ({@link BackgroundInterest}) each record is only
 * acknowledged.
 */
@ApplicationScoped
public class IdentityEventConsumer {

    private static final Logger LOG = Logger.getLogger(IdentityEventConsumer.class);

    private final BackgroundDeliveries deliveries;
    private final DeliveryLanes lanes;
    private final ObjectMapper mapper;
    private final HookMetrics metrics;
    private final Vertx vertx;
    private final boolean delivering;

    public IdentityEventConsumer(BackgroundDeliveries deliveries, DeliveryLanes lanes, ObjectMapper mapper,
            HookMetrics metrics, Vertx vertx, BackgroundInterest interest) {
        this.deliveries = deliveries;
        this.lanes = lanes;
        this.mapper = mapper;
        this.metrics = metrics;
        this.vertx = vertx;
        this.delivering = interest.delivering();
    }

    /** Completes when the lanes have taken the record, not when it is delivered; its acknowledgement says that. */
    @Incoming("identity-events")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecord<String, String> record) {
        if (!delivering) {
            return acknowledge(record);
        }
        StreamEvent event;
        try {
            event = StreamEvent.read(mapper, record.getPayload());
        } catch (IllegalArgumentException unreadable) {
            // Not ours to fix and no function could use it; say so loudly instead of stopping the stream.
            LOG.errorf("Record %s-%d@%d of the event stream is not a CloudEvent and triggers no hook: %s",
                    record.getTopic(), record.getPartition(), offset(record), unreadable.getMessage());
            metrics.finished("background", "unknown", "none", "unreadable");
            return acknowledge(record);
        }
        if (event.hookEvent().isEmpty()) {
            return acknowledge(record);
        }
        // Each delivery gets a context of its own, since deliveries run side by side, and keeps its event's trace,
        // taken now: it may start later, from another delivery's context.
        ConsumerContext.Apart apart = ConsumerContext.apart(vertx);
        return lanes.offer(record.getKey(), record.getPartition(), () -> apart
                .run(context -> deliveries.deliver(event, record.getKey(), context))
                .onItemOrFailure().transformToUni((ignored, failure) -> failure == null
                        ? acknowledge(record)
                        : Uni.createFrom().completionStage(() -> record.nack(failure)).onItemOrFailure()
                                .transformToUni((nacked, nackFailure) -> Uni.createFrom().<Void>failure(failure))));
    }

    private static long offset(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }

    private static Uni<Void> acknowledge(KafkaRecord<String, String> record) {
        return Uni.createFrom().completionStage(record::ack);
    }
}
