package dev.tessera.suite.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everything a run started, stopped in reverse order exactly once, whether the run ends by Ctrl-C, SIGTERM or a
 * failed start. A final sweep ends any child process that was still being started when the stop came.
 */
public final class Cleanup {

    private record Part(String name, AutoCloseable resource) {
    }

    private final Deque<Part> parts = new ArrayDeque<>();
    private final Consumer<String> say;
    private boolean closed;

    public Cleanup(Consumer<String> say) {
        this.say = say;
    }

    /** Remembers {@code resource} for the stop; stops it at once when the stop already happened. */
    public <T extends AutoCloseable> T add(String name, T resource) {
        synchronized (this) {
            if (!closed) {
                parts.push(new Part(name, resource));
                return resource;
            }
        }
        close(new Part(name, resource));
        return resource;
    }

    /** Stops every part, newest first, then ends any child process still alive. */
    public void closeAll() {
        List<Part> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = List.copyOf(parts);
            parts.clear();
        }
        toClose.forEach(this::close);
        sweepChildren();
    }

    private void close(Part part) {
        try {
            part.resource().close();
            say.accept("stopped " + part.name());
        } catch (Exception e) {
            say.accept("could not stop " + part.name() + ": " + e.getMessage());
        }
    }

    private void sweepChildren() {
        List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        if (left.isEmpty()) {
            return;
        }
        left.forEach(p -> {
            say.accept("ending leftover process " + p.pid() + " " + p.info().command().orElse(""));
            p.destroy();
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (ProcessHandle p : left) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
