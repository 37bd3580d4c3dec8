package dev.tessera.suite.gateway;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** One line per proxied request, written off the event loop by a single background thread. */
public final class AccessLog implements AutoCloseable {

    /** Discards every line. */
    public static final AccessLog NONE = new AccessLog(null);

    private final BufferedWriter out;
    private final ExecutorService writer;

    private AccessLog(BufferedWriter out) {
        this.out = out;
        this.writer = out == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gateway-access-log");
            t.setDaemon(true);
            return t;
        });
    }

    public static AccessLog to(Path file) {
        try {
            Files.createDirectories(file.getParent());
            return new AccessLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A request's path and the names of its query parameters, without their values: a query carries one-time tokens
     * ({@code /verify?token=}), OAuth codes and states, and refused credentials ({@code /token?password=}), which must
     * not reach a log file.
     */
    public static String withoutValues(String path, String query) {
        if (query == null || query.isEmpty()) {
            return path;
        }
        StringBuilder names = new StringBuilder(path).append('?');
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int equals = pairs[i].indexOf('=');
            names.append(i == 0 ? "" : "&").append(equals < 0 ? pairs[i] : pairs[i].substring(0, equals));
        }
        return names.toString();
    }

    public void log(String line) {
        if (writer == null) {
            return;
        }
        String stamped = Instant.now() + " " + line;
        writer.execute(() -> {
            try {
                out.write(stamped);
                out.newLine();
                out.flush();
            } catch (IOException e) {
                // A full disk must not break the proxy.
            }
        });
    }

    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
