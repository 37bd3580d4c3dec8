package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tessera.mail.delivery.DeliveryDecisionsTest.ScriptedMailer;
import dev.tessera.mail.template.MailContent;
import dev.tessera.platform.retry.Backoff;
import dev.tessera.platform.testing.TestVertx;
import io.vertx.core.Context;

/**
 * A send that met a dead SMTP server retries as soon as the server greets again, not when its backoff (here ten
 * minutes, far beyond what the test waits) runs out; a send that failed against a server that was up all along keeps
 * its backoff. Real sockets: the probe meets a server that hangs up at once (down), then one that greets.
 */
class SmtpComebackTest {

    @RegisterExtension
    static final TestVertx VERTX = new TestVertx();

    private static final Backoff LONG_BACKOFF = new Backoff(3, Duration.ofMinutes(10), Duration.ofMinutes(10));
    private static final MailContent CONTENT = new MailContent("Confirm Your Signup", "<p>t</p>", "t");

    @Test
    void aSendThatMetADeadServerRetriesOnceTheServerGreetsAgain() throws Exception {
        try (SmtpServer server = new SmtpServer(freePort(), false)) {
            ScriptedMailer mailer = new ScriptedMailer();
            mailer.failures.add(new ConnectException("Connection refused"));
            CompletableFuture<Integer> attempts = send(sender(mailer, server.port()));

            // The probe finds the server down: it hangs up without a greeting.
            awaitTrue(() -> server.connections.get() >= 1, "the probe found the server down");
            assertEquals(1, mailer.sent.size(), "one attempt so far");
            server.greet();
            assertEquals(2, attempts.get(60, TimeUnit.SECONDS), "sent at the second attempt, well before the backoff");
        }
    }

    @Test
    void aSendThatFailedAgainstAServerThatWasUpKeepsItsBackoff() throws Exception {
        try (SmtpServer server = new SmtpServer(freePort(), true)) {
            ScriptedMailer mailer = new ScriptedMailer();
            mailer.failures.add(new IOException("Connection reset"));
            CompletableFuture<Integer> attempts = send(sender(mailer, server.port()));

            awaitTrue(() -> server.connections.get() >= 1, "the probe connected");
            // The probe found the server answering at its first try: nothing wakes the retry.
            Thread.sleep(3 * SmtpComeback.PROBE_INTERVAL.toMillis());
            assertEquals(1, mailer.sent.size(), "no second attempt before the backoff");
            assertEquals(1, server.connections.get(), "and no more probes");
            attempts.cancel(true);
        }
    }

    private static SmtpSender sender(ScriptedMailer mailer, int port) {
        SmtpComeback comeback = new SmtpComeback(VERTX.vertx(), "127.0.0.1", port, false);
        return new SmtpSender(mailer, "identity@example.test", LONG_BACKOFF, Duration.ofSeconds(5), comeback);
    }

    private static CompletableFuture<Integer> send(SmtpSender sender) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Context context = VERTX.vertx().getOrCreateContext();
        context.runOnContext(ignored -> sender.send(UUID.randomUUID(), "someone@example.test", CONTENT, context)
                .subscribe().with(done::complete, done::completeExceptionally));
        return done;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws Exception {
        Instant until = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(until), what);
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Greets every connection as an SMTP server does, or hangs up at once as a dead one; counts the connections. */
    private static final class SmtpServer implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket server;
        private volatile boolean greeting;

        SmtpServer(int port, boolean greeting) throws IOException {
            this.greeting = greeting;
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        connections.incrementAndGet();
                        if (this.greeting) {
                            client.getOutputStream().write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                            client.getOutputStream().flush();
                            client.getInputStream().read(new byte[64]);
                        }
                    } catch (IOException closed) {
                        // the server closed, or the client hung up
                    }
                }
            }, "smtp-server");
            thread.setDaemon(true);
            thread.start();
        }

        void greet() {
            greeting = true;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
