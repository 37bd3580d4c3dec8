package dev.tessera.site;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The path a rule is matched against: the request's raw path decoded once, its dot segments resolved and repeated
 * slashes merged, which is the file a static server will look for. Rules are matched on this form, never on the raw
 * path, so {@code /adm%69n/}, {@code //admin/} or {@code /x/../admin/} cannot pass a guard on {@code /admin/*} and
 * then be served as {@code /admin/}.
 */
public final class SitePath {

    private SitePath() {
    }

    /**
     * The normalised path of a raw request path (without query), or empty when it cannot be one: not absolute, bad
     * percent-encoding, not UTF-8, a backslash (which some servers read as a separator), or a control character: a
     * NUL ends a C string, and a tab or line break put back into a {@code Location} by a splat is dropped by the
     * browser that reads it, so {@code /%09/evil.example} would become {@code //evil.example}, another site.
     */
    public static Optional<String> normalize(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        Optional<String> decoded = decode(rawPath);
        if (decoded.isEmpty() || decoded.get().indexOf('\\') >= 0
                || decoded.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.empty();
        }
        String path = decoded.get();
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        boolean trailing = path.endsWith("/") || last.equals(".") || last.equals("..");
        String joined = "/" + String.join("/", segments);
        return Optional.of(trailing && !segments.isEmpty() ? joined + "/" : joined);
    }

    private static Optional<String> decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7f) {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            } else {
                bytes.write(c);
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
