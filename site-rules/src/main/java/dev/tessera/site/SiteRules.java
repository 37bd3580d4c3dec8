package dev.tessera.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

/**
 * The {@code [[redirects]]} of a {@code netlify.toml}, applied as Netlify's edge applies them: top to bottom, the
 * first rule that matches the path and whose conditions hold wins.
 *
 * <ul>
 * <li>A rule without {@code force} does not apply when a file exists at the request path (shadowing); the file is
 * served.</li>
 * <li>A rule with a {@code Role} condition the visitor does not meet is skipped, and it closes the path: a later rule
 * still applies (typically the redirect to a login page), even one without {@code force} over an existing file, but
 * when none does the answer is {@link Decision.Deny}, never the file.</li>
 * </ul>
 * Other tables of the file ({@code [build]}, {@code [[headers]]}, {@code [functions]}, ...) are ignored. What the
 * engine cannot do is refused when the file is read, with one line naming the line: query-parameter, {@code Country}
 * and {@code Language} conditions, proxying to another site, signed proxies, custom headers. A file that is refused
 * has no rule applied.
 */
public final class SiteRules {

    private static final Set<Integer> STATUSES = Set.of(200, 301, 302, 303, 307, 308, 401, 403, 404, 410);
    private static final Set<String> KEYS = Set.of("from", "to", "status", "force", "conditions");
    private static final TomlMapper TOML = new TomlMapper();

    private final String source;
    private final List<RedirectRule> rules;

    private SiteRules(String source, List<RedirectRule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    /** A site without rules: every path is served as it is. */
    public static SiteRules none() {
        return new SiteRules("(no rules)", List.of());
    }

    /**
     * Reads {@code file}.
     *
     * @throws SiteRulesException one line naming the file and the line, for anything it will not apply, and for a
     *             file that is not there (a rule set that silently went missing would open every page)
     */
    public static SiteRules load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SiteRulesException(file + ": no such file");
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new SiteRulesException(file + ": cannot be read: " + e.getMessage());
        }
    }

    /**
     * Reads the text of a {@code netlify.toml}.
     *
     * @param source what to call it in messages, e.g. its path
     * @throws SiteRulesException one line naming the source and the line, for anything it will not apply
     */
    public static SiteRules parse(String toml, String source) {
        JsonNode root;
        try {
            root = TOML.readTree(toml);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new SiteRulesException(source + (at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr())
                    + ": not valid TOML: " + firstLine(e.getOriginalMessage()));
        }
        TomlLines lines = new TomlLines(toml);
        JsonNode redirects = root == null ? null : root.get("redirects");
        if (redirects == null || redirects.isNull()) {
            return new SiteRules(source, List.of());
        }
        if (!redirects.isArray()) {
            throw new SiteRulesException(source + " line " + lines.keyLine("redirects")
                    + ": redirects must be an array of tables, written [[redirects]]");
        }
        List<RedirectRule> rules = new ArrayList<>();
        for (int i = 0; i < redirects.size(); i++) {
            rules.add(rule(redirects.get(i), i, lines, source));
        }
        return new SiteRules(source, rules);
    }

    private static RedirectRule rule(JsonNode entry, int index, TomlLines lines, String source) {
        int line = lines.redirectLine(index);
        if (!entry.isObject()) {
            throw invalid(source, line, "each [[redirects]] entry must be a table");
        }
        for (Iterator<String> keys = entry.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                throw invalid(source, lines.keyLine(index, key), unsupportedKey(key));
            }
        }
        JsonNode fromNode = entry.get("from");
        if (fromNode == null || !fromNode.isTextual() || fromNode.asText().isBlank()) {
            throw invalid(source, line, "from is missing: every rule needs from = \"/path\"");
        }
        PathPattern from;
        try {
            from = PathPattern.parse(fromNode.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(source, lines.keyLine(index, "from"), e.getMessage());
        }
        int status = 301;
        JsonNode statusNode = entry.get("status");
        if (statusNode != null) {
            if (!statusNode.isIntegralNumber() || !STATUSES.contains(statusNode.asInt())) {
                throw invalid(source, lines.keyLine(index, "status"), "status = " + statusNode
                        + " is not supported; use 200 (rewrite), 301, 302, 303, 307, 308 (redirect), or 401, 403,"
                        + " 404, 410");
            }
            status = statusNode.asInt();
        }
        String to;
        JsonNode toNode = entry.get("to");
        if (toNode == null) {
            if (status != 200) {
                throw invalid(source, line, "to is missing: only a status = 200 rule may leave it out (it then"
                        + " serves its own path)");
            }
            to = from.asTarget();
        } else if (!toNode.isTextual() || toNode.asText().isBlank()) {
            throw invalid(source, lines.keyLine(index, "to"), "to must be a path or URL in quotes");
        } else {
            to = toNode.asText();
        }
        boolean absolute = to.startsWith("http://") || to.startsWith("https://");
        if (!absolute && !to.startsWith("/")) {
            throw invalid(source, lines.keyLine(index, "to"), "to = \"" + to + "\" must start with / or http(s)://");
        }
        if (absolute && status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw invalid(source, lines.keyLine(index, "to"), "to = \"" + to + "\" with status " + status
                    + " would proxy another site, which is not supported; redirect to it with 301 or 302");
        }
        Set<String> unbound = from.unbound(to);
        if (!unbound.isEmpty()) {
            throw invalid(source, lines.keyLine(index, "to"), "to uses " + String.join(", ", unbound)
                    + ", which from = \"" + from + "\" does not bind");
        }
        boolean force = false;
        JsonNode forceNode = entry.get("force");
        if (forceNode != null) {
            if (!forceNode.isBoolean()) {
                throw invalid(source, lines.keyLine(index, "force"), "force must be true or false");
            }
            force = forceNode.asBoolean();
        }
        Set<String> roles = roles(entry.get("conditions"), index, lines, source);
        return new RedirectRule(line, from, to, status, force, roles);
    }

    private static Set<String> roles(JsonNode conditions, int index, TomlLines lines, String source) {
        if (conditions == null) {
            return Set.of();
        }
        int line = lines.keyLine(index, "conditions");
        if (!conditions.isObject()) {
            throw invalid(source, line, "conditions must be a table, as in conditions = {Role = [\"admin\"]}");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = conditions.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> condition = it.next();
            String name = condition.getKey();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "role" -> {
                    JsonNode value = condition.getValue();
                    if (value.isTextual() && !value.asText().isBlank()) {
                        roles.add(value.asText());
                    } else if (value.isArray() && !value.isEmpty()) {
                        for (JsonNode role : value) {
                            if (!role.isTextual() || role.asText().isBlank()) {
                                throw invalid(source, line, "Role must list role names in quotes");
                            }
                            roles.add(role.asText());
                        }
                    } else {
                        throw invalid(source, line, "Role must list role names, as in Role = [\"admin\"]");
                    }
                }
                case "country", "language" -> throw invalid(source, line, "the " + name + " condition is not"
                        + " supported: there is no geolocation or Accept-Language matching here; remove it or"
                        + " the rule");
                default -> throw invalid(source, line, "the " + name + " condition is not supported; only Role is");
            }
        }
        return roles;
    }

    private static String unsupportedKey(String key) {
        return switch (key) {
            case "query" -> "query conditions (query = {...}) are not supported: rules match on the path only";
            case "headers", "signed" -> key + " is for proxying to another site, which is not supported";
            default -> "unknown key " + key + " in [[redirects]]; known are from, to, status, force, conditions";
        };
    }

    private static SiteRulesException invalid(String source, int line, String why) {
        return new SiteRulesException(source + (line > 0 ? " line " + line : "") + ": " + why);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** Every rule, in the file's order. */
    public List<RedirectRule> rules() {
        return rules;
    }

    public String source() {
        return source;
    }

    /** Whether any rule that matches {@code path} has a Role condition, so the visitor's token must be read. */
    public boolean asksForRoles(String path) {
        return rules.stream().anyMatch(rule -> !rule.roles().isEmpty() && rule.match(path).isPresent());
    }

    /**
     * What to do with a request.
     *
     * @param path the normalised path ({@link SitePath#normalize})
     * @param query the raw query, or null
     * @param visitor who asks
     * @param fileAtPath whether the site has a file at {@code path} (for shadowing); false where that cannot be
     *            known (forward-auth), which makes every rule apply as if forced
     */
    public Decision decide(String path, String query, Visitor visitor, boolean fileAtPath) {
        RedirectRule guard = null;
        for (RedirectRule rule : rules) {
            Optional<Map<String, String>> values = rule.match(path);
            if (values.isEmpty()) {
                continue;
            }
            if (!rule.admits(visitor)) {
                guard = guard == null ? rule : guard;
                continue;
            }
            if (!rule.force() && fileAtPath && guard == null) {
                return Decision.PASS;
            }
            Decision applied = rule.apply(values.get(), query);
            return guard != null && applied instanceof Decision.Rewrite rewrite ? rewrite.closedBy(guard) : applied;
        }
        return guard == null ? Decision.PASS : new Decision.Deny(guard);
    }
}
