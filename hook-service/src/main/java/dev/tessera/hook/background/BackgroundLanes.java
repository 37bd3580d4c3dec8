package dev.tessera.hook.background;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.platform.messaging.DeliveryLanes;

/** The one set of lanes the event consumer and its rebalance listener share, as wide as the setting says. */
@Dependent
class BackgroundLanes {

    @Produces
    @Singleton
    DeliveryLanes lanes(HooksConfig config) {
        return new DeliveryLanes(config.background().concurrency(),
                "tessera.hooks.background.concurrency (TESSERA_HOOKS_BACKGROUND_CONCURRENCY)");
    }
}
