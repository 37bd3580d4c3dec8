package dev.tessera.site;

/**
 * A {@code netlify.toml} the engine will not apply: one line that names the file and the line, so a start can stop
 * with it and nothing else. No rule of such a file is ever applied.
 */
public final class SiteRulesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SiteRulesException(String message) {
        super(message);
    }
}
