package dev.tessera.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.tessera.platform.testing.TestStack;

/** Reads the sent-mail ledger the way an operator would: with SQL. */
public final class Ledger {

    private final TestStack stack;

    public Ledger(TestStack stack) {
        this.stack = stack;
    }

    public record Row(String kind, String recipient, String status, String messageId, int attempts, String lastError) {
    }

    public Optional<Row> find(UUID requestId) {
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("select kind, recipient, status, message_id, attempts, last_error"
                        + " from mail.sent_mail where request_id = ?")) {
            s.setObject(1, requestId);
            ResultSet rs = s.executeQuery();
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                    rs.getString(6)));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the row of a request (the consumer writes it just after the SMTP server accepted the mail). */
    public Row await(UUID requestId, String status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            Optional<Row> row = find(requestId);
            if (row.isPresent() && row.get().status().equals(status)) {
                return row.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + status + " ledger row for " + requestId + "; found " + row);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public int count(UUID requestId) {
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("select count(*) from mail.sent_mail where request_id = ?")) {
            s.setObject(1, requestId);
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
