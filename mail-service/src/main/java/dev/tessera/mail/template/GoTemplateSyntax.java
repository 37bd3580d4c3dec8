package dev.tessera.mail.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads templates written for GoTrue, whose subjects and bodies are Go templates ({@code {{ .ConfirmationURL }}}),
 * by turning them into Qute templates. Only field references are supported ({@code {{ .Email }}},
 * {@code {{ .Data.full_name }}}), which is what GoTrue's documented templates use; any other action is refused
 * when the template is loaded, rather than mailed out verbatim. Every other brace is literal text, so CSS such as
 * {@code p{margin:0}} survives.
 */
public final class GoTemplateSyntax {

    private static final Pattern ACTION = Pattern.compile("\\{\\{-?(.*?)-?}}", Pattern.DOTALL);
    private static final Pattern FIELD = Pattern.compile("\\.[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");

    private GoTemplateSyntax() {
    }

    /** Whether a template is written in GoTrue's syntax rather than Qute's. */
    public static boolean isGoTemplate(String source) {
        return source.contains("{{");
    }

    /** @throws IllegalArgumentException for an action other than a field reference */
    public static String toQute(String source) {
        StringBuilder out = new StringBuilder(source.length() + 16);
        Matcher action = ACTION.matcher(source);
        int at = 0;
        while (action.find()) {
            out.append(literal(source.substring(at, action.start())));
            String field = action.group(1).trim();
            if (!FIELD.matcher(field).matches()) {
                throw new IllegalArgumentException("unsupported template action {{ " + field
                        + " }}: only field references such as {{ .ConfirmationURL }} are supported");
            }
            out.append('{').append(field.substring(1)).append('}');
            at = action.end();
        }
        out.append(literal(source.substring(at)));
        return out.toString();
    }

    private static String literal(String text) {
        return text.replace("{", "\\{");
    }
}
