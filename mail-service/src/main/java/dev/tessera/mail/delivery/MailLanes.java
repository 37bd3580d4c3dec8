package dev.tessera.mail.delivery;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.tessera.platform.messaging.DeliveryLanes;

/** The one set of lanes the mail consumer and its rebalance listener share, as wide as the setting says. */
@Dependent
class MailLanes {

    @Produces
    @Singleton
    DeliveryLanes lanes(DeliveryConfig config) {
        return new DeliveryLanes(config.concurrency(), "tessera.mail.concurrency (TESSERA_MAIL_CONCURRENCY)");
    }
}
