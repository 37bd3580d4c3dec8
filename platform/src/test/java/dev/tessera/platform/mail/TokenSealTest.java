package dev.tessera.platform.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenSealTest {

    @Test
    void opensOnlyWithTheSameKeyAndBinding() {
        TokenSeal seal = new TokenSeal("secret-one");
        String sealed = seal.seal("the-token", "request-1");
        assertFalse(sealed.contains("the-token"));
        assertNotEquals(sealed, seal.seal("the-token", "request-1"), "a fresh IV every time");
        assertEquals("the-token", seal.open(sealed, "request-1"));
        assertThrows(IllegalArgumentException.class, () -> seal.open(sealed, "request-2"));
        assertThrows(IllegalArgumentException.class, () -> new TokenSeal("secret-two").open(sealed, "request-1"));
        assertThrows(IllegalArgumentException.class, () -> seal.open("garbage", "request-1"));
        assertThrows(IllegalArgumentException.class, () -> seal.open("v1.AAAA", "request-1"));
    }
}
