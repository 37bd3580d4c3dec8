package dev.tessera.suite.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tessera.platform.event.HookEvent;
import dev.tessera.suite.SuiteException;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.Poll;

/**
 * The functions of a local site, {@code DIR/netlify/functions}, run by hook-service's Node adapter
 * ({@code hook-service/adapters/node}, no dependencies of its own) as the function host hook-service's gateway
 * forwards {@code /.netlify/functions/*} to; identity event functions among them ({@code identity-signup.mjs} ...)
 * are announced to hook-service in {@code TESSERA_FUNCTIONS_IDENTITY}. Needs {@code node} on the PATH.
 */
public final class SiteFunctions {

    /** The event functions hook-service calls, by name: platform's hook events, each synchronous and background. */
    static final Set<String> IDENTITY_EVENTS = Arrays.stream(HookEvent.values()).filter(HookEvent::synchronous)
            .flatMap(event -> Stream.of(event.functionName(), event.backgroundFunctionName()))
            .collect(Collectors.toUnmodifiableSet());
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private SiteFunctions() {
    }

    /** {@code site/netlify/functions}, when the site has that folder. */
    public static Optional<Path> folder(Path site) {
        Path dir = site.resolve("netlify").resolve("functions");
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    /** The identity event functions in {@code dir}: files or folders named after the events. */
    public static Set<String> identityEvents(Path dir) {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(entry -> entry.getFileName().toString().replaceFirst("\\.(mjs|cjs|js)$", ""))
                    .filter(IDENTITY_EVENTS::contains).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * Starts the Node function host on a free loopback port and waits until it listens.
     *
     * @return the process; its port is in {@link #port}
     */
    public static ChildProcess start(Path repoRoot, Path functions, Map<String, String> environment, Path log,
            Duration timeout) {
        Path adapter = repoRoot.resolve("hook-service/adapters/node");
        if (!Files.isRegularFile(adapter.resolve("bin/tessera-functions.mjs"))) {
            throw new SuiteException("the Node function adapter is missing: " + adapter);
        }
        ChildProcess host = ChildProcess.start("function host", List.of("node", "bin/tessera-functions.mjs",
                "--dir", functions.toString(), "--port", "0", "--host", "127.0.0.1"), environment, adapter, log);
        Poll.until("the Node function host did not start (" + log + ")", timeout).every(Duration.ofMillis(100))
                .abortWhen(host.onExit(), () -> "the Node function host exited: " + host.tail(20))
                .check(() -> port(log) > 0);
        return host;
    }

    /** The port the function host announced in its log, or 0 before it did. */
    public static int port(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        Matcher m = LISTENING.matcher(Files.readString(log));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
