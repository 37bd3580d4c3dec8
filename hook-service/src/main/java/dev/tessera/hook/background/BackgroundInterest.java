package dev.tessera.hook.background;

import java.util.Arrays;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.targets.HookTargets;
import dev.tessera.platform.event.HookEvent;
import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * Whether hook-service has anything to deliver from the event stream: background delivery is on and some event has
 * a background target. Targets are fixed at start, so this is decided once.
 *
 * <p>With nothing to deliver the stream is still consumed, so the group's committed position keeps up and a target
 * configured later starts from about the time it was added rather than from every event since the last one was
 * removed. It is consumed in large fetches, though: the broker answers once per {@code fetch.max.wait.ms} with
 * whatever arrived, instead of once per event, which at a login's rate cost hook-service and the broker about a
 * millisecond of CPU per login for records nobody reads.
 */
@ApplicationScoped
public class BackgroundInterest implements ClientCustomizer<Map<String, Object>> {

    static final String CHANNEL = "identity-events";
    /** Far more than the events of one fetch wait, so that the wait, not the size, ends an idle fetch. */
    static final int IDLE_FETCH_MIN_BYTES = 4 * 1024 * 1024;

    private final boolean delivering;

    public BackgroundInterest(HooksConfig config, HookTargets targets) {
        this.delivering = config.background().enabled()
                && Arrays.stream(HookEvent.values()).anyMatch(event -> !targets.background(event).isEmpty());
    }

    /** True when some event of the stream may have to reach a background target. */
    public boolean delivering() {
        return delivering;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (!delivering && CHANNEL.equals(channel)) {
            config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, IDLE_FETCH_MIN_BYTES);
        }
        return config;
    }
}
