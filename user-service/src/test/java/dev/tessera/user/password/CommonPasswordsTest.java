package dev.tessera.user.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class CommonPasswordsTest {

    @Test
    void theShippedListHoldsEveryEntryOfItsFileAndNothingElse() throws IOException {
        CommonPasswords list = CommonPasswords.shipped();
        List<String> lines;
        try (InputStream in = CommonPasswords.class.getResourceAsStream(CommonPasswords.RESOURCE)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        }
        assertEquals(lines.size(), list.size());
        assertTrue(lines.size() > 17000, "the list was cut to entries of 8 or more characters, not emptied");
        for (String entry : lines) {
            assertTrue(entry.length() >= 8, entry);
            assertTrue(list.contains(entry), entry);
            assertTrue(list.contains(entry.toUpperCase()), "matching ignores case: " + entry);
            assertFalse(list.contains(entry + "\u00e9"), entry);
        }
        assertFalse(list.contains(""));
        assertFalse(list.contains("correct horse battery staple"));
    }

    @Test
    void anUnsortedOrRepeatingListIsRefused() {
        assertThrows(IllegalStateException.class, () -> CommonPasswords.parse("# c\nbbb\naaa\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalStateException.class, () -> CommonPasswords.parse("aaa\naaa\n".getBytes(StandardCharsets.UTF_8)));
        CommonPasswords list = CommonPasswords.parse("# c\r\naaa\r\nabc\n\nb\u00e9\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, list.size());
        assertTrue(list.contains("AAA") && list.contains("abc") && list.contains("B\u00c9"));
        assertFalse(list.contains("aa") || list.contains("aaaa") || list.contains("b"));
    }
}
