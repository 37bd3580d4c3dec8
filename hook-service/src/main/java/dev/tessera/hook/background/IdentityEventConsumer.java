package dev.tessera.hook.background;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.delivery.HookMetrics;
import dev.tessera.platform.messaging.ConsumerContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Consumes the public topic {@code identity.events.v1} (channel {@code identity-events}, the whole CloudEvent as
 * text) and delivers each event to its background targets. A record is acknowledged, and its offset becomes
 * committable, only when every target is delivered or dead-lettered, so a restart resumes where deliveries were
 * not finished and nothing is lost.
 */
@ApplicationScoped
public class IdentityEventConsumer {

    private static final Logger LOG = Logger.getLogger(IdentityEventConsumer.class);

    private final BackgroundDeliveries deliveries;
    private final ObjectMapper mapper;
    private final HookMetrics metrics;
    private final Vertx vertx;
    private final boolean enabled;

    public IdentityEventConsumer(BackgroundDeliveries deliveries, ObjectMapper mapper, HookMetrics metrics,
            Vertx vertx, HooksConfig config) {
        this.deliveries = deliveries;
        this.mapper = mapper;
        this.metrics = metrics;
        this.vertx = vertx;
        this.enabled = config.background().enabled();
    }

    @Incoming("identity-events")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        StreamEvent event;
        try {
            event = StreamEvent.read(mapper, record.value());
        } catch (IllegalArgumentException unreadable) {
            // Not ours to fix and no function could use it; say so loudly instead of stopping the stream.
            LOG.errorf("Record %s-%d@%d of the event stream is not a CloudEvent and triggers no hook: %s",
                    record.topic(), record.partition(), record.offset(), unreadable.getMessage());
            metrics.finished("background", "unknown", "none", "unreadable");
            return Uni.createFrom().voidItem();
        }
        return ConsumerContext.run(vertx, context -> deliveries.deliver(event, record.key(), context));
    }
}
