package dev.tessera.user.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The identity record. Token columns hold SHA-256 hashes, never the tokens themselves. */
@Entity
@Table(name = "users")
public class User {

    public static final UUID SINGLE_INSTANCE = new UUID(0, 0);
    /** How many sessions ended one by one are remembered ({@link #endSession}). */
    public static final int MOST_ENDED_SESSIONS = 64;

    @Id
    public UUID id;

    @Column(name = "instance_id", nullable = false)
    public UUID instanceId = SINGLE_INSTANCE;

    @Column(nullable = false)
    public String aud = "";

    @Column(nullable = false)
    public String role = "";

    @Column(nullable = false)
    public String email;

    @Column(name = "encrypted_password")
    public String encryptedPassword;

    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    @Column(name = "invited_at")
    public Instant invitedAt;

    @Column(name = "confirmation_token_hash")
    public String confirmationTokenHash;

    @Column(name = "confirmation_sent_at")
    public Instant confirmationSentAt;

    @Column(name = "recovery_token_hash")
    public String recoveryTokenHash;

    @Column(name = "recovery_sent_at")
    public Instant recoverySentAt;

    /** The token mailed to the new address. */
    @Column(name = "email_change_token_hash")
    public String emailChangeTokenHash;

    /** The token mailed to the current address when secure email change is on. */
    @Column(name = "email_change_token_current_hash")
    public String emailChangeTokenCurrentHash;

    @Column(name = "email_change")
    public String emailChange;

    @Column(name = "email_change_sent_at")
    public Instant emailChangeSentAt;

    @Column(name = "last_sign_in_at")
    public Instant lastSignInAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "app_metadata", nullable = false)
    public Map<String, Object> appMetadata;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "user_metadata")
    public Map<String, Object> userMetadata;

    @Column(name = "is_super_admin", nullable = false)
    public boolean superAdmin;

    /** Raised to end the user's sessions; see {@link #endSessions}. */
    @Column(name = "session_epoch", nullable = false)
    public long sessionEpoch;

    /** The one session the last raise of {@link #sessionEpoch} spared, or null. */
    @Column(name = "kept_session_id")
    public UUID keptSessionId;

    /**
     * Sessions ended one at a time since the epoch last rose ({@link #endSession}): each id to the order it was ended
     * in; null when none. The epoch cannot single one out, and their access tokens live on until they expire
     * otherwise. An object, not an array: Hibernate Reactive binds JSON as an object only.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "ended_sessions")
    public Map<String, Object> endedSessions;

    /**
     * Whether a signup made this user (not an admin, an invite or a provider): only then may a signup with another
     * password take it over while it is unconfirmed.
     */
    @Column(name = "signed_up", nullable = false)
    public boolean signedUp;

    /** No sign-in of any kind until this time (supabase's ban); null when not banned. */
    @Column(name = "banned_until")
    public Instant bannedUntil;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * A user about to be created: a fresh id, {@code app_metadata} naming the provider it came through, created and
     * updated now. Unconfirmed and without a password; the flow creating it sets the rest.
     */
    public static User create(String aud, String email, String role, String provider,
            Map<String, Object> userMetadata) {
        Instant now = Instant.now();
        User user = new User();
        user.id = UUID.randomUUID();
        user.aud = aud;
        user.email = email;
        user.role = role;
        user.appMetadata = new LinkedHashMap<>(Map.of("provider", provider));
        user.userMetadata = userMetadata;
        user.createdAt = now;
        user.updatedAt = now;
        return user;
    }

    public boolean isConfirmed() {
        return confirmedAt != null;
    }

    public boolean isBanned() {
        return bannedUntil != null && bannedUntil.isAfter(Instant.now());
    }

    /**
     * Ends every session the user has, except {@code kept} when not null: auth-service refuses to refresh a session
     * started under an older epoch. Called in the transaction of the change that requires it. A pending email change
     * is cancelled with them: it may be a thief's, half confirmed through the thief's own mailbox, and the link to
     * the current address, still in the owner's inbox after a recovery, would otherwise complete it.
     */
    public void endSessions(UUID kept) {
        sessionEpoch++;
        keptSessionId = kept;
        // Every session ended one by one started under an older epoch, or is the kept one, which was live.
        endedSessions = null;
        cancelEmailChange();
    }

    /** Forgets a pending email change: neither of its links completes it any more. */
    public void cancelEmailChange() {
        emailChange = null;
        emailChangeTokenHash = null;
        emailChangeTokenCurrentHash = null;
        emailChangeSentAt = null;
    }

    /**
     * Ends one session (a local logout, a refresh token's reuse), so that its access tokens are refused here too.
     * The newest {@value #MOST_ENDED_SESSIONS} are kept: a user who ends more one by one within a token's lifetime
     * lets the oldest tokens run out by their expiry, as every token did before.
     */
    public void endSession(UUID session) {
        Map<String, Object> ended = endedSessions == null ? new HashMap<>() : new HashMap<>(endedSessions);
        long next = ended.values().stream().mapToLong(order -> ((Number) order).longValue()).max().orElse(0) + 1;
        ended.putIfAbsent(session.toString(), next);
        while (ended.size() > MOST_ENDED_SESSIONS) {
            ended.entrySet().stream().min(Comparator.comparingLong(e -> ((Number) e.getValue()).longValue()))
                    .ifPresent(oldest -> ended.remove(oldest.getKey()));
        }
        endedSessions = ended;
    }

    /** Whether {@link #endSession} ended this session. */
    public boolean endedOneByOne(UUID session) {
        return endedSessions != null && endedSessions.containsKey(session.toString());
    }

    /**
     * Forgets what an unproven signup left on the account: its password (possibly a stranger's, who signed up with
     * the address before its owner proved it) and its pending confirmation link. The owner sets a password later.
     */
    public void forgetUnprovenSignup() {
        encryptedPassword = null;
        confirmationTokenHash = null;
    }

    /** Sets a new password; a pending recovery link has then nothing left to recover and stops working. */
    public void changePassword(String hash) {
        encryptedPassword = hash;
        recoveryTokenHash = null;
    }

    /**
     * Moves the account to another address. The recovery and confirmation links mailed to the old one stop working:
     * whoever reads that mailbox no longer speaks for the account; so does a pending change asked for from it.
     */
    public void moveTo(String address) {
        if (!address.equalsIgnoreCase(email)) {
            recoveryTokenHash = null;
            confirmationTokenHash = null;
            cancelEmailChange();
        }
        email = address;
    }

    public void touch() {
        updatedAt = Instant.now();
    }
}
