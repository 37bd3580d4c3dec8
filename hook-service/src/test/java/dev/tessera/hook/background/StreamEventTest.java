package dev.tessera.hook.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.HookEvent;

/** Which event types trigger which background hook, and the user each payload carries. */
class StreamEventTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void eachEventTriggersTheHookItsTypeDoes() {
        for (EventType type : EventType.values()) {
            assertEquals(HookEvent.triggeredBy(type, false), read(type.type(), "{\"user\":{\"id\":\"u\"}}").hookEvent(),
                    type.name());
            assertEquals(HookEvent.triggeredBy(type, true),
                    read(type.type(), "{\"user\":{\"id\":\"u\"},\"actor\":{\"id\":\"a\"}}").hookEvent(), type.name());
        }
        assertEquals(Optional.of(HookEvent.VALIDATE), read(EventType.SIGNUP.type(), "{}").hookEvent());
    }

    @Test
    void aTypeThisBuildDoesNotKnowTriggersNothing() {
        assertEquals(Optional.empty(), read("dev.tessera.user.signup.v2", "{\"user\":{\"id\":\"u\"}}").hookEvent());
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
