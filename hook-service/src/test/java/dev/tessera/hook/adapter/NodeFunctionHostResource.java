package dev.tessera.hook.adapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.InjectFunctionServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Installs the Node adapter's locked dependencies ({@code npm ci}: the real {@code @netlify/identity}) and runs its
 * function host on the example functions, as a deployment would; hook-service's gateway and event functions point
 * at it. A {@link FunctionServer} stands in for the identity API that {@code clientContext.identity.url} names.
 */
public class NodeFunctionHostResource implements QuarkusTestResourceLifecycleManager {

    static final Path ADAPTER = Path.of("adapters", "node").toAbsolutePath();
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private Process host;
    private FunctionServer identityApi;
    private Path log;

    @Override
    public Map<String, String> start() {
        try {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), Duration.ofMinutes(5));
            log = Files.createTempFile("tessera-functions", ".log");
            host = new ProcessBuilder("node", "bin/tessera-functions.mjs", "--dir", "examples/functions", "--port",
                    "0", "--host", "127.0.0.1")
                    .directory(ADAPTER.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            int port = awaitPort(Duration.ofSeconds(60));
            identityApi = FunctionServer.start();
            Map<String, String> config = new HashMap<>();
            config.put("tessera.functions.url", "http://127.0.0.1:" + port);
            config.put("tessera.functions.identity", "identity-signup");
            config.put("tessera.public-url", identityApi.url("/id"));
            return config;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Node function host", e);
        }
    }

    private static void run(List<String> command, Duration timeout) throws IOException {
        Path output = Files.createTempFile("npm-ci", ".log");
        Process process = new ProcessBuilder(command).directory(ADAPTER.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + Files.readString(output));
        }
    }

    private int awaitPort(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!host.isAlive()) {
                throw new IllegalStateException("the function host exited: " + Files.readString(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the function host did not start: " + Files.readString(log));
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(identityApi,
                new TestInjector.AnnotatedAndMatchesType(InjectFunctionServer.class, FunctionServer.class));
    }

    @Override
    public void stop() {
        if (host != null) {
            host.destroy();
            try {
                if (!host.waitFor(10, TimeUnit.SECONDS)) {
                    host.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (identityApi != null) {
            identityApi.close();
        }
    }
}
