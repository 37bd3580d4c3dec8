package dev.tessera.auth.token;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text fields of a {@code multipart/form-data} body (RFC 7578), as Go's {@code r.FormValue} sees them: the first
 * part of each name, file parts left out. A body that does not parse to its closing delimiter gives no fields at all,
 * as Go's {@code ParseMultipartForm} then leaves only the query's values.
 */
final class MultipartFields {

    /** A {@code ; name=value} parameter, the value a token or a quoted string. */
    private static final Pattern PARAMETER =
            Pattern.compile(";\\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s\"]*))");
    private static final String CRLF = "\r\n";

    private MultipartFields() {
    }

    static Map<String, String> of(byte[] body, String contentType) {
        Optional<String> boundary = parameter(contentType, "boundary").filter(b -> !b.isEmpty() && b.length() <= 70);
        if (boundary.isEmpty()) {
            return Map.of();
        }
        // Latin-1 keeps one char per byte, so the body splits on its delimiters whatever the parts' encoding.
        String text = CRLF + new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = CRLF + "--" + boundary.get();
        Map<String, String> fields = new HashMap<>();
        int at = text.indexOf(delimiter);
        while (at >= 0) {
            int partStart = at + delimiter.length();
            if (text.startsWith("--", partStart)) {
                return fields;
            }
            int next = text.indexOf(delimiter, partStart);
            if (next < 0) {
                break;
            }
            if (!field(text.substring(partStart, next), fields)) {
                break;
            }
            at = next;
        }
        return Map.of();
    }

    /** Reads one part into the fields; false when it is malformed. */
    private static boolean field(String part, Map<String, String> fields) {
        int headersStart = part.indexOf(CRLF);
        if (headersStart < 0 || !part.substring(0, headersStart).isBlank()) {
            return false;
        }
        int headersEnd = part.indexOf(CRLF + CRLF, headersStart);
        if (headersEnd < 0) {
            return false;
        }
        String headers = part.substring(headersStart, headersEnd);
        String disposition = null;
        for (String line : headers.split(CRLF)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                disposition = line.substring(colon + 1);
            }
        }
        if (disposition == null || !disposition.trim().toLowerCase(Locale.ROOT).startsWith("form-data")) {
            return true;
        }
        Optional<String> name = parameter(disposition, "name");
        if (name.isPresent() && parameter(disposition, "filename").isEmpty()) {
            String value = part.substring(headersEnd + 2 * CRLF.length());
            fields.putIfAbsent(utf8(name.get()), utf8(value));
        }
        return true;
    }

    private static Optional<String> parameter(String header, String wanted) {
        Matcher m = PARAMETER.matcher(header);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(wanted)) {
                return Optional.of(m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3));
            }
        }
        return Optional.empty();
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
