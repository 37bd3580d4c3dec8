package dev.tessera.mail.delivery;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import dev.tessera.platform.messaging.DeliveryLanes;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * When the group takes partitions from this consumer, the requests of those partitions still queued in
 * {@link DeliveryLanes} are dropped: their next reader starts at the committed offset, before them, so mailing them
 * here too would only race it (the ledger would keep the first outcome, but both could send). Runs on the
 * connector's polling thread, never on the event loop.
 */
@ApplicationScoped
@Identifier("mail-service-rebalance")
public class MailRequestsRebalance implements KafkaConsumerRebalanceListener {

    private final DeliveryLanes lanes;

    public MailRequestsRebalance(DeliveryLanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        lanes.forget(partitions.stream().map(TopicPartition::partition).toList());
    }
}
