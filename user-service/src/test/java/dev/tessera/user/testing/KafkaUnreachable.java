package dev.tessera.user.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The outbox relay's producer points at a port nobody listens on, as during a broker outage; everything else (the
 * database, the audit consumer) is the test stack's. A channel's own {@code bootstrap.servers} wins over the global
 * {@code kafka.bootstrap.servers} the test resource sets.
 */
public class KafkaUnreachable implements QuarkusTestProfile {

    /** Port 1 (tcpmux) is refused on the machines the tests run on. */
    public static final String DEAD_BROKER = "127.0.0.1:1";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mp.messaging.outgoing.outbox.bootstrap.servers", DEAD_BROKER);
    }
}
