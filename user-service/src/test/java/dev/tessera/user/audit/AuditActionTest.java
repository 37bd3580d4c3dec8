package dev.tessera.user.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.EventType;

/** The audit log's GoTrue names for each public event type. */
class AuditActionTest {

    @Test
    void eachEventTypeHasItsGoTrueAction() {
        Map<EventType, AuditAction> expected = Map.ofEntries(
                Map.entry(EventType.SIGNUP, new AuditAction("user_signedup", "team")),
                Map.entry(EventType.CONFIRMED, new AuditAction("user_confirmed", "account")),
                Map.entry(EventType.LOGIN, new AuditAction("login", "account")),
                Map.entry(EventType.LOGOUT, new AuditAction("logout", "account")),
                Map.entry(EventType.TOKEN_REFRESHED, new AuditAction("token_refreshed", "token")),
                Map.entry(EventType.SESSION_REVOKED, new AuditAction("token_revoked", "token")),
                Map.entry(EventType.RECOVERY_REQUESTED, new AuditAction("user_recovery_requested", "user")),
                Map.entry(EventType.PASSWORD_CHANGED, new AuditAction("user_modified", "user")),
                Map.entry(EventType.EMAIL_CHANGE_REQUESTED, new AuditAction("user_modified", "user")),
                Map.entry(EventType.EMAIL_CHANGED, new AuditAction("user_modified", "user")),
                Map.entry(EventType.USER_UPDATED, new AuditAction("user_modified", "user")),
                Map.entry(EventType.USER_DELETED, new AuditAction("user_deleted", "team")),
                Map.entry(EventType.INVITED, new AuditAction("user_invited", "team")),
                Map.entry(EventType.INVITE_ACCEPTED, new AuditAction("invite_accepted", "account")));
        assertEquals(EventType.values().length, expected.size(), "every type is decided");
        expected.forEach((type, action) -> assertEquals(action, AuditAction.of(type), type.name()));
    }
}
