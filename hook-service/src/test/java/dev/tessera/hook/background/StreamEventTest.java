package dev.tessera.hook.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.targets.HookEvent;
import dev.tessera.platform.event.EventType;

/** Which event types trigger which background hook, and the user each payload carries. */
class StreamEventTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void eventTypesMapToHookEvents() {
        Map<EventType, Optional<HookEvent>> expected = Map.ofEntries(
                Map.entry(EventType.SIGNUP, Optional.of(HookEvent.VALIDATE)),
                Map.entry(EventType.INVITED, Optional.of(HookEvent.VALIDATE)),
                Map.entry(EventType.CONFIRMED, Optional.of(HookEvent.SIGNUP)),
                Map.entry(EventType.LOGIN, Optional.of(HookEvent.LOGIN)),
                Map.entry(EventType.USER_UPDATED, Optional.of(HookEvent.USER_MODIFIED)),
                Map.entry(EventType.PASSWORD_CHANGED, Optional.of(HookEvent.USER_MODIFIED)),
                Map.entry(EventType.EMAIL_CHANGED, Optional.of(HookEvent.USER_MODIFIED)),
                Map.entry(EventType.USER_DELETED, Optional.of(HookEvent.USER_DELETED)),
                Map.entry(EventType.INVITE_ACCEPTED, Optional.empty()),
                Map.entry(EventType.LOGOUT, Optional.empty()),
                Map.entry(EventType.TOKEN_REFRESHED, Optional.empty()),
                Map.entry(EventType.SESSION_REVOKED, Optional.empty()),
                Map.entry(EventType.RECOVERY_REQUESTED, Optional.empty()),
                Map.entry(EventType.EMAIL_CHANGE_REQUESTED, Optional.empty()));
        assertEquals(EventType.values().length, expected.size(), "every type is decided");
        expected.forEach((type, hook) -> assertEquals(hook, read(type.type(), "{\"user\":{\"id\":\"u\"}}").hookEvent(),
                type.name()));
    }

    @Test
    void sessionEventsCarryAMinimalUser() {
        StreamEvent login = read(EventType.LOGIN.type(), "{\"user_id\":\"u-1\",\"email\":\"a@b.c\",\"session_id\":\"s\"}");
        assertEquals(Map.of("id", "u-1", "email", "a@b.c"), login.user());
        assertEquals("u-1", login.userId());
    }

    @Test
    void somethingThatIsNotACloudEventIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamEvent.read(mapper, "not json"));
        assertThrows(IllegalArgumentException.class, () -> StreamEvent.read(mapper, "{\"type\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> StreamEvent.read(mapper, ""));
    }

    private StreamEvent read(String type, String data) {
        return StreamEvent.read(mapper, "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"type\":\"" + type
                + "\",\"subject\":\"u-1\",\"data\":" + data + "}");
    }
}
