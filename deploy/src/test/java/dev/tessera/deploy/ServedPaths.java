package dev.tessera.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The HTTP paths a service serves, read from its Java sources rather than its classes, so that the deploy module
 * neither depends on the services nor needs them built: JAX-RS {@code @Path} on a resource class and on its methods,
 * and Vert.x routes ({@code router.route(path)}, {@code router.get(path)}, ...). A path may be written as string
 * literals, constants of the same file and {@code +} between them; anything else fails, so that no path slips past
 * unread. REST clients ({@code @RegisterRestClient}) name other services' paths and are skipped.
 */
final class ServedPaths {

    /**
     * One path a service answers.
     *
     * @param path the path, JAX-RS templates ({@code {id}}) kept
     * @param below true for a Vert.x wildcard ({@code /p/*}): every path below {@code path}
     * @param source where it is declared
     */
    record Served(String path, boolean below, Path source) {
    }

    private static final Pattern JAX_RS_PATH = Pattern.compile("@(?:jakarta\\.ws\\.rs\\.)?Path\\s*\\(([^)]*)\\)");
    private static final Pattern HTTP_METHOD = Pattern.compile("@(?:jakarta\\.ws\\.rs\\.)?(GET|POST|PUT|DELETE|PATCH"
            + "|HEAD|OPTIONS)\\b");
    private static final Pattern VERTX_ROUTE = Pattern.compile("\\brouter\\s*\\.\\s*(route|get|post|put|delete|patch"
            + "|head|options)\\s*\\(([^)]*)\\)");
    /** Ways to declare paths this scan does not follow; it fails on them instead of missing a path. */
    private static final Pattern UNREADABLE = Pattern.compile("routeWithRegex|@Route\\s*\\(|@RouteBase|"
            + "@ApplicationPath|@Observes\\s+Router\\s+(?!router\\b)\\w+");
    private static final Pattern CONSTANT = Pattern.compile("\\bstatic\\s+final\\s+String\\s+(\\w+)\\s*=\\s*([^;]+);");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ServedPaths() {
    }

    /** Every path the Java sources under {@code sourceRoot} serve. */
    static List<Served> of(Path sourceRoot) {
        List<Served> served = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                served.addAll(ofFile(file, DeployFiles.read(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return served;
    }

    static List<Served> ofFile(Path file, String source) {
        String code = withoutComments(source);
        if (code.contains("@RegisterRestClient")) {
            return List.of();
        }
        Matcher unreadable = UNREADABLE.matcher(code);
        if (unreadable.find()) {
            throw new IllegalStateException(file + ": " + unreadable.group() + " declares paths this scan cannot read");
        }
        Map<String, String> constants = new HashMap<>();
        Matcher constant = CONSTANT.matcher(code);
        while (constant.find()) {
            constants.put(constant.group(1), constant.group(2).strip());
        }
        List<Served> served = new ArrayList<>();
        jaxRs(file, code, constants, served);
        Matcher route = VERTX_ROUTE.matcher(code);
        while (route.find()) {
            if (route.group(2).isBlank()) {
                continue; // router.route() with no path: a filter on every request, not a route
            }
            String path = evaluate(file, route.group(2), constants, 0);
            if (path.endsWith("/*")) {
                served.add(new Served(path.substring(0, path.length() - 2), true, file));
            } else if (path.contains("*") || path.contains(":")) {
                throw new IllegalStateException(file + ": cannot read the Vert.x route " + path);
            } else {
                served.add(new Served(path, false, file));
            }
        }
        return served;
    }

    /**
     * The class's {@code @Path} (the one before the type's declaration) joined with each method's. The class path
     * itself is served when more methods answer an HTTP method than carry a path of their own.
     */
    private static void jaxRs(Path file, String code, Map<String, String> constants, List<Served> served) {
        String type = file.getFileName().toString().replaceFirst("\\.java$", "");
        Matcher declaration = Pattern.compile("\\b(class|interface|record|enum)\\s+" + Pattern.quote(type) + "\\b")
                .matcher(code);
        int body = declaration.find() ? declaration.start() : 0;
        String classPath = null;
        List<String> methodPaths = new ArrayList<>();
        Matcher path = JAX_RS_PATH.matcher(code);
        while (path.find()) {
            String value = evaluate(file, path.group(1).replaceFirst("^\\s*value\\s*=", ""), constants, 0);
            if (path.start() < body) {
                if (classPath != null) {
                    throw new IllegalStateException(file + ": two class-level @Path annotations");
                }
                classPath = value;
            } else {
                methodPaths.add(value);
            }
        }
        long httpMethods = HTTP_METHOD.matcher(code.substring(body)).results().count();
        String base = classPath == null ? "" : trimSlashes(classPath);
        if (classPath != null && httpMethods > methodPaths.size()) {
            served.add(new Served("/" + base, false, file));
        }
        for (String methodPath : methodPaths) {
            String joined = base.isEmpty() ? trimSlashes(methodPath) : base + "/" + trimSlashes(methodPath);
            served.add(new Served("/" + joined, false, file));
        }
    }

    /** A Java expression of string literals and same-file constants joined by {@code +}. */
    private static String evaluate(Path file, String expression, Map<String, String> constants, int depth) {
        StringBuilder value = new StringBuilder();
        for (String term : splitPlus(expression)) {
            String t = term.strip();
            Matcher literal = LITERAL.matcher(t);
            if (literal.matches()) {
                value.append(literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            } else if (constants.containsKey(t) && depth < 10) {
                value.append(evaluate(file, constants.get(t), constants, depth + 1));
            } else {
                throw new IllegalStateException(file + ": cannot read the path expression '" + expression.strip()
                        + "' (write it with literals and constants of the same file)");
            }
        }
        return value.toString();
    }

    /** The terms of {@code a + "b" + C}, splitting on {@code +} outside string literals. */
    private static List<String> splitPlus(String expression) {
        List<String> terms = new ArrayList<>();
        StringBuilder term = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (inString && c == '\\' && i + 1 < expression.length()) {
                term.append(c).append(expression.charAt(++i));
                continue;
            }
            if (c == '"') {
                inString = !inString;
            }
            if (c == '+' && !inString) {
                terms.add(term.toString());
                term.setLength(0);
            } else {
                term.append(c);
            }
        }
        terms.add(term.toString());
        return terms;
    }

    private static String trimSlashes(String path) {
        return path.replaceAll("^/+", "").replaceAll("/+$", "");
    }

    /**
     * The source without its comments, string and character literals kept (a {@code "/*"} in a string starts no
     * comment); text blocks are read as strings.
     */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? source.length() : end + 3;
                out.append(source, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != c) {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, source.length());
                out.append(source, i, end);
                i = end;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
