package dev.tessera.suite.mail;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough HTML handling for the inbox: mail HTML to readable text, and text to escaped HTML with live links. */
final class HtmlText {

    private static final Pattern ANCHOR = Pattern.compile(
            "<a\\s[^>]*href\\s*=\\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BREAK = Pattern.compile("<(br|/p|/div|/h[1-6]|/li|/tr)\\b[^>]*>",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INVISIBLE = Pattern.compile("<(style|script|head)\\b.*?</\\1>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]+>");
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");

    private HtmlText() {
    }

    /** Mail HTML as text; a link becomes {@code label <url>} so that its target stays visible. */
    static String toText(String html) {
        String text = INVISIBLE.matcher(html).replaceAll("");
        Matcher anchor = ANCHOR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (anchor.find()) {
            String url = unescape(anchor.group(1));
            String label = unescape(TAG.matcher(anchor.group(2)).replaceAll("")).trim();
            // Escaped so that the tag stripping below leaves it; the final unescape restores it.
            String replacement = escape(label.isEmpty() || label.equals(url) ? url : label + " <" + url + ">");
            anchor.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        anchor.appendTail(out);
        text = BREAK.matcher(out).replaceAll("\n");
        text = unescape(TAG.matcher(text).replaceAll(""));
        return text.replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").trim();
    }

    /** Text as HTML: escaped, with every http(s) URL a link that opens in a new tab. */
    static String linkify(String text) {
        Matcher url = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (url.find()) {
            out.append(escape(text.substring(at, url.start())));
            String href = escape(url.group());
            out.append("<a href=\"").append(href).append("\" target=\"_blank\" rel=\"noopener\">").append(href)
                    .append("</a>");
            at = url.end();
        }
        return out.append(escape(text.substring(at))).toString();
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String html) {
        return html.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&#x27;", "'").replace("&#43;", "+").replace("&#x2B;", "+")
                .replace("&#61;", "=").replace("&#x3D;", "=").replace("&amp;", "&");
    }
}
