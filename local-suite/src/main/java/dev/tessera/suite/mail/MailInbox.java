package dev.tessera.suite.mail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.tessera.suite.SuiteException;

/**
 * Every mail the suite sent, held by an in-process GreenMail SMTP server that accepts any sender and recipient
 * without authentication.
 */
public final class MailInbox implements AutoCloseable {

    private final GreenMail greenMail;
    /**
     * The store of a server this inbox started (null for one someone else runs), held apart from {@code greenMail}:
     * its {@code stop()} swaps in an empty store, and a mail accepted in the moments before the stop must still be
     * readable after it.
     */
    private final Managers ownStore;
    /** How many mails of each mailbox {@link #takeNew} has handed out. */
    private final Map<String, Integer> taken = new HashMap<>();

    private MailInbox(GreenMail greenMail, boolean owned) {
        this.greenMail = greenMail;
        this.ownStore = owned ? greenMail.getManagers() : null;
    }

    /** Starts an SMTP server on {@code host:port} (0 for a free port). */
    public static MailInbox start(String host, int port) {
        GreenMail greenMail = new GreenMail(new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        try {
            greenMail.start();
        } catch (RuntimeException e) {
            throw new SuiteException("cannot start the SMTP server on " + host + ":" + port + " ("
                    + e.getMessage() + ")", e);
        }
        return new MailInbox(greenMail, true);
    }

    /** Reads the mails of a GreenMail server someone else runs (and stops). */
    public static MailInbox of(GreenMail greenMail) {
        return new MailInbox(greenMail, false);
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    /**
     * The mails received, newest first; only those to {@code to} when it is not null. A mail to several recipients
     * is stored once in each recipient's mailbox and shown once; the same mail delivered twice to one mailbox (a
     * resend carries the same Message-ID) is shown twice, since that is what the recipient got.
     */
    public List<InboxMessage> messages(String to) {
        Map<String, InboxMessage> unique = new LinkedHashMap<>();
        int index = 0;
        for (MailFolder mailbox : mailboxes()) {
            Map<String, Integer> copiesHere = new HashMap<>();
            for (StoredMessage m : mailbox.getMessages()) {
                index++;
                InboxMessage message = InboxMessage.of("message-" + index, m.getMimeMessage(),
                        m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant());
                if (to == null || message.isTo(to)) {
                    int copy = copiesHere.merge(message.id(), 1, Integer::sum);
                    unique.putIfAbsent(message.id() + "#" + copy, message);
                }
            }
        }
        List<InboxMessage> messages = new ArrayList<>(unique.values());
        messages.sort(Comparator.comparing(InboxMessage::receivedAt,
                Comparator.nullsLast(Comparator.reverseOrder())));
        return messages;
    }

    /**
     * The mails received since the previous call, one entry per copy in each recipient's mailbox (a mail delivered
     * twice comes twice), in no particular order. Reads only the new ones, so a caller may ask often however many
     * mails the server holds. Not for use together with {@link #clear}. After {@link #close} it still hands out what
     * the server accepted before it stopped.
     */
    public synchronized List<InboxMessage> takeNew() {
        List<InboxMessage> fresh = new ArrayList<>();
        for (MailFolder mailbox : mailboxes()) {
            List<StoredMessage> stored = mailbox.getMessages();
            int seen = taken.getOrDefault(mailbox.getFullName(), 0);
            for (int i = seen; i < stored.size(); i++) {
                StoredMessage m = stored.get(i);
                fresh.add(InboxMessage.of(mailbox.getFullName() + "-" + i, m.getMimeMessage(),
                        m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant()));
            }
            taken.put(mailbox.getFullName(), stored.size());
        }
        return fresh;
    }

    private Collection<MailFolder> mailboxes() {
        try {
            Managers store = ownStore != null ? ownStore : greenMail.getManagers();
            return store.getImapHostManager().getStore().listMailboxes("*");
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    public void clear() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (ownStore != null) {
            greenMail.stop();
        }
    }
}
