package dev.tessera.mail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * Tells the sends waiting out an SMTP outage when the server answers again, so that they need not sleep out their
 * backoff (up to a minute) after it is back. While any send waits, one probe, for the whole service, connects to the
 * server once every {@link #PROBE_INTERVAL} and reads its greeting; a dead server sees one connection a second,
 * however many mails wait. Only a server seen down and then answering wakes the waiters: a server that answered the
 * first probe was not down (a send that failed against it met something else, a slow reply, a dropped connection),
 * and those sends keep their backoff rather than retrying at once against a server under strain.
 *
 * <p>"Answering" is a {@code 220} greeting; with implicit TLS ({@code quarkus.mailer.tls}) the greeting comes only
 * after the handshake, so an accepted connection counts.
 */
@ApplicationScoped
public class SmtpComeback {

    private static final Logger LOG = Logger.getLogger(SmtpComeback.class);
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final boolean implicitTls;
    private final NetClient client;
    private final List<UniEmitter<? super Void>> waiting = new ArrayList<>();
    private boolean probing;
    private boolean seenDown;

    @Inject
    public SmtpComeback(Vertx vertx, @ConfigProperty(name = "quarkus.mailer.host") String host,
            @ConfigProperty(name = "quarkus.mailer.port") int port,
            @ConfigProperty(name = "quarkus.mailer.tls", defaultValue = "false") boolean implicitTls) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.implicitTls = implicitTls;
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) PROBE_TIMEOUT.toMillis()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Completes when the SMTP server, after a probe found it down, answers again; never, if it never went down. A
     * subscriber that cancels (its backoff ran out first) is forgotten.
     */
    public Uni<Void> answersAgain() {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                waiting.add(emitter);
                if (!probing) {
                    probing = true;
                    seenDown = false;
                    vertx.setTimer(PROBE_INTERVAL.toMillis(), ignored -> probe());
                }
            }
            emitter.onTermination(() -> {
                synchronized (this) {
                    waiting.remove(emitter);
                }
            });
        });
    }

    private void probe() {
        synchronized (this) {
            if (waiting.isEmpty()) {
                probing = false;
                return;
            }
        }
        client.connect(port, host).onComplete(connected -> {
            if (connected.failed()) {
                probed(false);
            } else if (implicitTls) {
                connected.result().close();
                probed(true);
            } else {
                awaitGreeting(connected.result());
            }
        });
    }

    private void awaitGreeting(NetSocket socket) {
        Buffer received = Buffer.buffer();
        long timer = vertx.setTimer(PROBE_TIMEOUT.toMillis(), ignored -> {
            socket.close();
            probed(false);
        });
        socket.handler(data -> {
            received.appendBuffer(data);
            if (received.length() >= 4 || received.toString().contains("\n")) {
                if (vertx.cancelTimer(timer)) {
                    boolean greeted = received.toString().startsWith("220");
                    socket.write("QUIT\r\n").onComplete(ignored -> socket.close());
                    probed(greeted);
                }
            }
        });
        socket.closeHandler(ignored -> {
            if (vertx.cancelTimer(timer)) {
                probed(false);
            }
        });
    }

    private void probed(boolean answering) {
        List<UniEmitter<? super Void>> wake = List.of();
        synchronized (this) {
            if (!answering) {
                seenDown = true;
                vertx.setTimer(PROBE_INTERVAL.toMillis(), ignored -> probe());
                return;
            }
            probing = false;
            if (seenDown) {
                wake = new ArrayList<>(waiting);
                waiting.clear();
            }
        }
        if (!wake.isEmpty()) {
            LOG.infof("The SMTP server answers again; %d waiting send(s) retry now", wake.size());
            wake.forEach(emitter -> emitter.complete(null));
        }
    }
}
