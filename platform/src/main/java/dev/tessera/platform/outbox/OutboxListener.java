package dev.tessera.platform.outbox;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.db.SchemaTable;
import io.quarkus.arc.properties.IfBuildProperty;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * Tells the outbox relay that a row has committed: it LISTENs on the channel the outbox table's trigger notifies
 * ({@code <schema>.outbox}, see {@code db/outbox/R__outbox.sql}), so the relay publishes a row as soon as its
 * transaction commits instead of at its next look.
 *
 * <p>It holds one connection of its own, straight to PostgreSQL: the reactive pool may go through a transaction-mode
 * PgBouncer, which does not carry LISTEN, so it uses the URL Flyway uses ({@code quarkus.datasource.jdbc.url}, or
 * {@code tessera.outbox.listen-url}). When that connection drops it reconnects with a growing pause (up to
 * {@code tessera.outbox.listen-retry-max}) and LISTENs again; until then {@link #listening()} is false and the relay
 * falls back to polling. Each time it starts listening it wakes the relay once, for the rows that committed while
 * nobody listened.
 */
@ApplicationScoped
@IfBuildProperty(name = "tessera.outbox.enabled", stringValue = "true")
public class OutboxListener {

    /** The listener's {@code application_name}, which names its backend in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "tessera-outbox-listener";
    private static final Logger LOG = Logger.getLogger(OutboxListener.class);
    private static final long FIRST_RETRY_MILLIS = 100;

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final String channel;
    private final long maxRetryMillis;
    private volatile boolean listening;
    private volatile boolean stopped;
    private volatile boolean lostLogged;
    private PgSubscriber subscriber;

    public OutboxListener(Vertx vertx,
            @ConfigProperty(name = "tessera.outbox.listen-url") Optional<String> listenUrl,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @ConfigProperty(name = "tessera.outbox.listen-retry-max", defaultValue = "PT5S") Duration retryMax,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.vertx = vertx;
        String url = listenUrl.orElse(jdbcUrl);
        this.options = PgConnectOptions.fromUri(url.startsWith("jdbc:") ? url.substring(5) : url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        options.addProperty("application_name", APPLICATION_NAME);
        this.channel = channel(schema);
        this.maxRetryMillis = Math.max(FIRST_RETRY_MILLIS, retryMax.toMillis());
    }

    /** The channel the trigger notifies: the table's schema (PostgreSQL's default one when none is set) and "outbox". */
    static String channel(Optional<String> schema) {
        return schema.orElse("public") + ".outbox";
    }

    /** True while the LISTEN is in place, so every commit to the outbox reaches {@code onCommit}. */
    public boolean listening() {
        return listening;
    }

    /** Starts listening; {@code onCommit} runs on an event loop for each notification and after each (re)LISTEN. */
    synchronized void start(Runnable onCommit) {
        subscriber = PgSubscriber.subscriber(vertx, options);
        subscriber.reconnectPolicy(attempt -> {
            // Called when the connection closed (attempt 0) and after each failed reconnection.
            lost();
            return stopped ? -1L : retryMillis(attempt);
        });
        subscriber.channel(channel)
                .subscribeHandler(ignored -> {
                    listening = true;
                    if (lostLogged) {
                        LOG.infof("Outbox listener on %s is back", channel);
                        lostLogged = false;
                    }
                    onCommit.run();
                })
                .handler(payload -> onCommit.run());
        connect(0);
    }

    private void connect(int attempt) {
        subscriber.connect().onFailure(failure -> {
            // The subscriber retries by its policy only once it had a connection; the first one is retried here.
            lost();
            if (!stopped) {
                vertx.setTimer(retryMillis(attempt), id -> connect(attempt + 1));
            }
        });
    }

    private void lost() {
        listening = false;
        if (!lostLogged && !stopped) {
            lostLogged = true;
            LOG.warnf("Outbox listener on %s lost its connection; the relay polls until it reconnects", channel);
        }
    }

    private long retryMillis(int attempt) {
        return Math.min(maxRetryMillis, FIRST_RETRY_MILLIS << Math.min(attempt, 16));
    }

    synchronized void stop() {
        stopped = true;
        listening = false;
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
