package dev.tessera.user.password;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The list of common and breached passwords shipped with user-service ({@code common-passwords.txt} next to this
 * class: source, version and licence in its header), checked offline. The entries sit end to end in one byte array,
 * sorted, with an array of where each starts, and are found by binary search: some 250 KB for 18,000 entries, where a
 * set of strings would take several times that. Matching ignores case (the entries are in lower case).
 */
public final class CommonPasswords {

    static final String RESOURCE = "common-passwords.txt";

    private final byte[] entries;
    /** Where entry i starts in {@link #entries}; entry i ends where i + 1 starts. One more than there are entries. */
    private final int[] starts;

    private CommonPasswords(byte[] entries, int[] starts) {
        this.entries = entries;
        this.starts = starts;
    }

    /** The list shipped with user-service. */
    public static CommonPasswords shipped() {
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** One entry a line, sorted by byte value; lines starting with {@code #} and empty lines are skipped. */
    static CommonPasswords parse(byte[] file) {
        byte[] entries = new byte[file.length];
        int[] starts = new int[file.length / 2 + 2];
        int count = 0;
        int length = 0;
        int lineStart = 0;
        while (lineStart < file.length) {
            int lineEnd = lineStart;
            while (lineEnd < file.length && file[lineEnd] != '\n') {
                lineEnd++;
            }
            int end = lineEnd > lineStart && file[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (end > lineStart && file[lineStart] != '#') {
                if (count > 0 && Arrays.compareUnsigned(entries, starts[count - 1], length, file, lineStart, end) >= 0) {
                    throw new IllegalStateException(RESOURCE + " is not sorted or repeats an entry at \""
                            + new String(file, lineStart, end - lineStart, StandardCharsets.UTF_8) + "\"");
                }
                starts[count++] = length;
                System.arraycopy(file, lineStart, entries, length, end - lineStart);
                length += end - lineStart;
            }
            lineStart = lineEnd + 1;
        }
        starts[count] = length;
        return new CommonPasswords(Arrays.copyOf(entries, length), Arrays.copyOf(starts, count + 1));
    }

    public int size() {
        return starts.length - 1;
    }

    public boolean contains(String password) {
        byte[] candidate = password.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        int low = 0;
        int high = size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = Arrays.compareUnsigned(entries, starts[middle], starts[middle + 1], candidate, 0,
                    candidate.length);
            if (order == 0) {
                return true;
            }
            if (order < 0) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return false;
    }
}
