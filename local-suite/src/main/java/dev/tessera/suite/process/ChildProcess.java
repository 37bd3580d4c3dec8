package dev.tessera.suite.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.tessera.suite.SuiteException;

/**
 * One operating-system process the suite started, with its output in a log file. Stopping it asks politely
 * (SIGTERM), waits for the grace period, then kills it and anything it started.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);
    private static final int TAIL_BYTES = 64 * 1024;
    /**
     * setsid(1) calls setsid(2) and executes the command in its own place, so the process this class holds (its
     * pid, its SIGTERM) is the command itself. It forks first only when it leads a process group already, which a
     * child of the JVM never does.
     */
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst();

    private final String name;
    private final Process process;
    private final Path log;
    private volatile boolean stopRequested;
    private volatile List<ProcessHandle> descendants = List.of();

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} with exactly {@code environment}, in {@code workDir}, sending standard output and
     * error to {@code log} (truncated first). The process stays in this one's process group, so a terminal's
     * Ctrl-C, which goes to the whole group, ends it too: right for the tests, which may never get to stop it.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> environment,
            Path workDir, Path log) {
        return launch(name, command, environment, workDir, log);
    }

    /**
     * Like {@link #start}, but the process leads a session (and process group) of its own, through setsid(1) where
     * the system has it (util-linux; without it, as on macOS, this is {@link #start}): what a terminal sends to its
     * foreground group (Ctrl-C's SIGINT, SIGHUP when it closes) reaches only this process, which then stops the
     * child in the order it chooses. The local run starts its broker and services so: otherwise Ctrl-C ends the
     * broker at the same moment as the services, whose last offset commits and group departures then never arrive.
     * Only a parent that stops its children on every exit it survives may use this: a child in its own session
     * outlives a parent killed with SIGKILL.
     */
    public static ChildProcess startInOwnSession(String name, List<String> command, Map<String, String> environment,
            Path workDir, Path log) {
        List<String> detached = new ArrayList<>();
        SETSID.ifPresent(setsid -> detached.add(setsid.toString()));
        detached.addAll(command);
        return launch(name, detached, environment, workDir, log);
    }

    private static ChildProcess launch(String name, List<String> command, Map<String, String> environment,
            Path workDir, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().clear();
            builder.environment().putAll(environment);
            return new ChildProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new SuiteException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether {@link #stop} was called, so that an exit is expected. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** Exit code, once it has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Waits up to {@code timeout} for the process to exit; true when it has. */
    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Asks the process to stop (SIGTERM) without waiting. */
    public void requestStop() {
        stopRequested = true;
        descendants = process.descendants().toList();
        process.destroy();
    }

    /** Waits for the exit that {@link #requestStop} asked for; kills the process tree after {@code grace}. */
    public void awaitStop(Duration grace) {
        if (!waitFor(grace)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Kills the process at once (SIGKILL), as a crash or an OOM kill would end it: no shutdown hook runs, nothing is
     * flushed or committed. Returns once it has exited.
     */
    public void kill() {
        stopRequested = true;
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    public void stop(Duration grace) {
        requestStop();
        awaitStop(grace);
    }

    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    /** The last {@code lines} lines of the log, for telling a person why the process failed. */
    public String tail(int lines) {
        return tail(log, lines);
    }

    public static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, in.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
    }
}
