package dev.tessera.user.model;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.outbox.Outbox;
import io.smallrye.mutiny.Uni;

/** Announces user changes on the public topic, inside the caller's transaction. */
@ApplicationScoped
public class UserEvents {

    static final String SOURCE = "urn:tessera:user-service";

    private final Outbox outbox;

    public UserEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public Uni<Void> publish(EventType type, User user) {
        return publish(type, user, Map.of());
    }

    public Uni<Void> publish(EventType type, User user, Map<String, Object> extra) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user", UserView.of(user));
        data.putAll(extra);
        return outbox.publish(IdentityEvent.of(SOURCE, type, user.id, data));
    }
}
