package dev.tessera.suite.mail;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The inbox as one HTML page; it reloads itself when the number of mails changes. */
final class InboxPage {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private InboxPage() {
    }

    static String render(List<InboxMessage> messages) {
        StringBuilder html = new StringBuilder(4096);
        html.append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <title>Tessera inbox (%d)</title>
                <style>
                body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
                header{display:flex;justify-content:space-between;align-items:baseline}
                .mail{border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
                .meta{color:#666;font-size:.9em}
                .subject{font-weight:600;font-size:1.1em}
                pre{white-space:pre-wrap;word-break:break-word;font:inherit;margin:.6rem 0 0}
                details{margin-top:.5rem;color:#666}
                details pre{font:12px/1.4 monospace}
                </style></head><body>
                <header><h1>Tessera inbox</h1>
                <span><a href="/api/messages">JSON</a> &middot;
                <button onclick="fetch('/api/messages',{method:'DELETE'}).then(()=>location.reload())">Delete all</button>
                </span>
                </header>
                """.formatted(messages.size()));
        if (messages.isEmpty()) {
            html.append("<p>No mail yet. Mail the suite sends to anyone shows up here.</p>\n");
        }
        for (InboxMessage m : messages) {
            html.append("<section class=\"mail\">\n<div class=\"subject\">")
                    .append(HtmlText.escape(m.subject() == null ? "(no subject)" : m.subject()))
                    .append("</div>\n<div class=\"meta\">to ").append(HtmlText.escape(String.join(", ", m.to())))
                    .append(" &middot; from ").append(HtmlText.escape(m.from()))
                    .append(" &middot; ").append(m.receivedAt() == null ? "" : TIME.format(m.receivedAt()))
                    .append("</div>\n<pre>").append(HtmlText.linkify(m.readableText())).append("</pre>\n");
            if (m.html() != null) {
                html.append("<details><summary>HTML source</summary><pre>").append(HtmlText.escape(m.html()))
                        .append("</pre></details>\n");
            }
            html.append("</section>\n");
        }
        html.append("""
                <script>
                const shown = %d;
                setInterval(() => fetch('/api/messages').then(r => r.json())
                  .then(m => { if (m.length !== shown) location.reload(); }).catch(() => {}), 3000);
                </script>
                </body></html>
                """.formatted(messages.size()));
        return html.toString();
    }
}
