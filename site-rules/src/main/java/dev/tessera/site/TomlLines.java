package dev.tessera.site;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Line numbers for messages about a {@code netlify.toml} the TOML reader accepted: where the n-th
 * {@code [[redirects]]} header is, and where a key is set below it. The tree the reader gives has no positions, and
 * a message that names the line is what lets someone fix the file. When the file writes its redirects another way
 * (an inline array), the line is unknown (0) and the message names no line.
 */
final class TomlLines {

    private static final Pattern REDIRECTS_HEADER = Pattern.compile("^\\s*\\[\\[\\s*redirects\\s*]]\\s*(#.*)?$");
    private static final Pattern ANY_HEADER = Pattern.compile("^\\s*\\[.*");

    private final String[] lines;
    private final List<Integer> headers = new ArrayList<>();

    TomlLines(String toml) {
        this.lines = toml.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (REDIRECTS_HEADER.matcher(lines[i]).matches()) {
                headers.add(i);
            }
        }
    }

    /** The 1-based line of the n-th {@code [[redirects]]} header, or 0. */
    int redirectLine(int index) {
        return index < headers.size() ? headers.get(index) + 1 : 0;
    }

    /** The line where {@code key} is set in the n-th redirect, else its header line, else 0. */
    int keyLine(int index, String key) {
        if (index >= headers.size()) {
            return 0;
        }
        Pattern assignment = Pattern.compile("^\\s*\"?" + Pattern.quote(key) + "\"?\\s*=.*");
        for (int i = headers.get(index) + 1; i < lines.length && !ANY_HEADER.matcher(lines[i]).matches(); i++) {
            if (assignment.matcher(lines[i]).matches()) {
                return i + 1;
            }
        }
        return headers.get(index) + 1;
    }

    /** The first line that sets {@code key} at the top of the file, or 0. */
    int keyLine(String key) {
        Pattern assignment = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=.*");
        for (int i = 0; i < lines.length && !ANY_HEADER.matcher(lines[i]).matches(); i++) {
            if (assignment.matcher(lines[i]).matches()) {
                return i + 1;
            }
        }
        return 0;
    }
}
