package dev.tessera.suite.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a child's signals come from: a plain child shares this JVM's process group (a terminal's Ctrl-C ends it too),
 * a child started in its own session leads its own group and session, is the command itself (its pid takes the
 * SIGTERM of a stop), and stops when asked. Read from /proc, so Linux only, where the local run is used.
 */
class ChildProcessTest {

    private static final List<String> SLEEP = List.of("sleep", "60");

    @TempDir
    Path dir;
    private final List<ChildProcess> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(child -> child.stop(Duration.ofSeconds(5)));
    }

    @Test
    void aPlainChildSharesThisProcessGroup() throws Exception {
        ChildProcess child = sleeper(ChildProcess.start("sleeper", SLEEP, Map.of(), dir, dir.resolve("plain.log")));
        assertEquals(Stat.of(ProcessHandle.current().pid()).processGroup(), Stat.of(child.pid()).processGroup());
    }

    @Test
    void aChildInItsOwnSessionLeadsItsGroupAndSessionAndIsTheCommandItself() throws Exception {
        ChildProcess child = sleeper(ChildProcess.startInOwnSession("sleeper", SLEEP, Map.of(), dir,
                dir.resolve("own.log")));
        // setsid(1) runs first under the pid it hands the command on to.
        Poll.until("setsid runs sleep in its own place, under its pid", Duration.ofSeconds(10))
                .every(Duration.ofMillis(10)).check(() -> Stat.of(child.pid()).command().equals("sleep"));
        Stat stat = Stat.of(child.pid());
        assertEquals(child.pid(), stat.processGroup(), "a group of its own: the terminal's signals pass it by");
        assertEquals(child.pid(), stat.session());
        assertNotEquals(Stat.of(ProcessHandle.current().pid()).session(), stat.session());

        child.stop(Duration.ofSeconds(5));
        assertFalse(child.isAlive(), "stopped by SIGTERM to its pid");
        assertTrue(child.stopRequested());
    }

    @Test
    void killEndsTheProcessAtOnceWithSigkill() {
        // A shell that ignores SIGTERM: only SIGKILL ends it, as it ends a crashed pod's process.
        ChildProcess child = sleeper(ChildProcess.start("stubborn", List.of("sh", "-c", "trap '' TERM; sleep 60"),
                Map.of(), dir, dir.resolve("stubborn.log")));
        child.kill();
        assertFalse(child.isAlive());
        assertEquals(128 + 9, child.exitValue(), "ended by signal 9");
        assertTrue(child.stopRequested(), "an exit the launcher asked for, not reported as a crash");
    }

    private ChildProcess sleeper(ChildProcess child) {
        started.add(child);
        return child;
    }

    /** The fields of /proc/PID/stat this test reads (proc(5)). */
    private record Stat(String command, long processGroup, long session) {

        static Stat of(long pid) throws Exception {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
            String command = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Stat(command, Long.parseLong(fields[2]), Long.parseLong(fields[3]));
        }
    }
}
