package dev.tessera.platform.outbox;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.mail.MailRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Makes the outbox rows and writes them in the caller's transaction, so the event commits (or rolls back) with the
 * state change it describes. The row goes through the client that writes that change: {@link #publish} and
 * {@link #requestMail} within a Hibernate Reactive transaction ({@code Panache.withTransaction}), {@link #prepare}
 * with {@link OutboxRow} into a statement on the reactive SQL client
 * ({@code docs/decisions/2026-12-01-persistence-styles.md}).
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper mapper;
    private final OutboxActivity activity;
    private final String topicPrefix;

    public Outbox(ObjectMapper mapper, OutboxActivity activity,
            @ConfigProperty(name = "tessera.kafka.topic-prefix") Optional<String> topicPrefix) {
        this.mapper = mapper;
        this.activity = activity;
        this.topicPrefix = topicPrefix.orElse("");
    }

    public Uni<Void> publish(IdentityEvent event) {
        return append(message(event));
    }

    /**
     * The outbox row for an event, for a writer that inserts it with plain SQL ({@link OutboxRow}) in its own
     * transaction; the relay is told a row is coming.
     */
    public OutboxMessage prepare(IdentityEvent event) {
        activity.appended();
        return message(event);
    }

    private OutboxMessage message(IdentityEvent event) {
        return new OutboxMessage(UUID.fromString(event.id()), Topic.EVENTS.name(topicPrefix), event.subject(),
                json(event), IdentityEvent.CONTENT_TYPE);
    }

    public Uni<Void> requestMail(MailRequest request) {
        return append(new OutboxMessage(request.id(), Topic.MAIL.name(topicPrefix), request.userId().toString(),
                json(request), "application/json"));
    }

    private Uni<Void> append(OutboxMessage message) {
        activity.appended();
        return Panache.getSession().chain(session -> session.persist(message));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serializable", e);
        }
    }
}
