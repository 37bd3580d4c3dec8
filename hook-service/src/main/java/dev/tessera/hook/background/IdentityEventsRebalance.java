package dev.tessera.hook.background;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.tessera.platform.messaging.DeliveryLanes;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * What the event consumer does when the group moves partitions.
 * <ul>
 * <li><b>Assigned.</b> The first time the consumer group gets a partition it has no committed offset there, and
 * {@code latest} (the default, so that a first deployment does not replay a week of history into the functions) is
 * resolved to the end. That position is committed at once: otherwise a restart before the first event is processed
 * would resolve {@code latest} again and skip the events published while hook-service was down.</li>
 * <li><b>Revoked.</b> The records of those partitions still queued in {@link DeliveryLanes} are dropped: their next
 * reader (another replica, or this one again) starts at the committed offset, before them, so delivering them here
 * too would only race it.</li>
 * </ul>
 * Both run on the connector's polling thread, never on the event loop.
 */
@ApplicationScoped
@Identifier("hook-service-rebalance")
public class IdentityEventsRebalance implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(IdentityEventsRebalance.class);

    private final DeliveryLanes lanes;

    public IdentityEventsRebalance(DeliveryLanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (committed.get(partition) == null) {
                start.put(partition, new OffsetAndMetadata(consumer.position(partition)));
            }
        }
        if (!start.isEmpty()) {
            consumer.commitSync(start);
            LOG.infof("First assignment of %s: starting at %s", start.keySet(), start);
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        lanes.forget(partitions.stream().map(TopicPartition::partition).toList());
    }
}
