package dev.tessera.suite.faults;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tessera.suite.mail.InboxMessage;
import dev.tessera.suite.mail.MailInbox;

/**
 * Every mail the suite's SMTP server received during a fault run, kept across the server's stops: a stopped GreenMail
 * forgets its mails, so the ledger takes them from the server often and once more just before each stop.
 */
final class MailLedger implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Pattern CONFIRMATION_TOKEN = Pattern.compile("confirmation_token=([A-Za-z0-9_\\-]+)");

    /** One mail as a recipient got it. */
    record Mail(String recipient, String messageId, String confirmationToken, Instant receivedAt) {
    }

    private final int port;
    private final Map<String, List<Mail>> byRecipient = new ConcurrentHashMap<>();
    private final Map<String, Integer> copiesByMessageId = new ConcurrentHashMap<>();
    private final ScheduledExecutorService harvester = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "mail-ledger");
        thread.setDaemon(true);
        return thread;
    });
    private MailInbox inbox;

    private MailLedger(int port) {
        this.port = port;
    }

    /** Starts the SMTP server on 127.0.0.1:{@code port} and takes its mails every 100 ms. */
    static MailLedger start(int port) {
        MailLedger ledger = new MailLedger(port);
        ledger.startServer();
        ledger.harvester.scheduleWithFixedDelay(ledger::harvest, 100, 100, TimeUnit.MILLISECONDS);
        return ledger;
    }

    int port() {
        return port;
    }

    /**
     * Stops the SMTP server (mail-service's connections are then refused), keeping every mail it had. The last harvest
     * comes after the stop: a mail the server accepted between a harvest and the stop is one mail-service counts as
     * sent, which a harvest before the stop would never see.
     */
    synchronized void stopServer() {
        inbox.close();
        harvest();
        inbox = null;
    }

    synchronized void startServer() {
        inbox = MailInbox.start(HOST, port);
    }

    private synchronized void harvest() {
        if (inbox == null) {
            return;
        }
        for (InboxMessage message : inbox.takeNew()) {
            String text = message.text() == null ? "" : message.text();
            String html = message.html() == null ? "" : message.html();
            Matcher token = CONFIRMATION_TOKEN.matcher(text + "\n" + html);
            for (String to : message.to()) {
                Mail mail = new Mail(to.toLowerCase(Locale.ROOT), message.id(), token.find(0) ? token.group(1) : null,
                        message.receivedAt() == null ? Instant.now() : message.receivedAt());
                byRecipient.computeIfAbsent(mail.recipient(), k -> new CopyOnWriteArrayList<>()).add(mail);
                copiesByMessageId.merge(mail.recipient() + " " + mail.messageId(), 1, Integer::sum);
            }
        }
    }

    /** The first mail {@code recipient} got, if any yet. */
    Optional<Mail> first(String recipient) {
        List<Mail> mails = byRecipient.get(recipient.toLowerCase(Locale.ROOT));
        return mails == null || mails.isEmpty() ? Optional.empty() : Optional.of(mails.get(0));
    }

    /** Whether {@code recipient} got at least one mail. */
    boolean mailed(String recipient) {
        return first(recipient).isPresent();
    }

    /** Every mail received, per recipient. */
    Map<String, List<Mail>> byRecipient() {
        return Map.copyOf(byRecipient);
    }

    /** How many times a recipient got a mail it had got already (the same Message-ID again). */
    int duplicates() {
        return copiesByMessageId.values().stream().mapToInt(copies -> copies - 1).sum();
    }

    @Override
    public void close() {
        harvester.shutdownNow();
        synchronized (this) {
            if (inbox != null) {
                inbox.close();
                inbox = null;
            }
        }
    }
}
