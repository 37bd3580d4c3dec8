package dev.tessera.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where the machine's CPU went during a phase, per process group (each service, the launcher with the gateway, the
 * Kafka broker, PostgreSQL, this client, everything else), from {@code /proc}: the ratios say how far the suite is
 * from its bound, this says which part to look at. Linux only; elsewhere it prints nothing.
 */
final class CpuSplit {

    /** {@code USER_HZ}: the unit of the times in {@code /proc/<pid>/stat}; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Set<String> NOT_THE_SUITE = Set.of("other", "bench client", "keycloak");
    private final Map<String, Long> start;
    private final long startCompilerTicks;
    private final long startHashingTicks;
    private final long startNanos = System.nanoTime();

    private CpuSplit(Map<String, Long> start, long startCompilerTicks, long startHashingTicks) {
        this.start = start;
        this.startCompilerTicks = startCompilerTicks;
        this.startHashingTicks = startHashingTicks;
    }

    static CpuSplit begin() {
        return new CpuSplit(snapshot(), compilerTicks(), hashingTicks());
    }

    /**
     * The share of all cores the JVMs' JIT compiler threads (HotSpot's {@code C1/C2 CompilerThread}s, in every
     * process) used since {@link #begin}: while it is high, the services are still compiling and not at their
     * steady state. 0 where {@code /proc} is missing.
     */
    double compilerShare() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return (compilerTicks() - startCompilerTicks) / TICKS_PER_SECOND
                / (seconds * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Prints each group's share of all cores since {@link #begin}, and its CPU time per {@code unit}; answers the
     * latter (milliseconds, by group) for the run's record.
     */
    Map<String, Double> print(String phase, long units, String unit) {
        Map<String, Double> perUnit = new LinkedHashMap<>();
        if (start.isEmpty()) {
            return perUnit;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Long> end = snapshot();
        Map<String, Double> byGroup = new LinkedHashMap<>();
        end.forEach((process, ticks) -> {
            long used = ticks - start.getOrDefault(process, 0L);
            byGroup.merge(process.substring(process.indexOf(' ') + 1), used / TICKS_PER_SECOND, Double::sum);
        });
        double capacity = seconds * Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "CPU during the %s phase (%.0f s, share of all cores, CPU ms per %s):%n",
                phase, seconds, unit);
        byGroup.entrySet().stream().filter(e -> e.getValue() > 0.005 * capacity)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> {
                    perUnit.put(e.getKey(), 1000 * e.getValue() / Math.max(1, units));
                    System.out.printf(Locale.ROOT, "  %-16s %5.1f%%  %6.1f ms%n", e.getKey(),
                            100 * e.getValue() / capacity, 1000 * e.getValue() / Math.max(1, units));
                });
        double compiling = compilerShare() * capacity;
        System.out.printf(Locale.ROOT, "  (of all the above, JIT compiler threads %.1f%%  %6.1f ms)%n",
                100 * compiling / capacity, 1000 * compiling / Math.max(1, units));
        perUnit.put("jit compilers", 1000 * compiling / Math.max(1, units));
        double hashing = (hashingTicks() - startHashingTicks) / TICKS_PER_SECOND;
        if (hashing > 0) {
            // Taken in the phase's own window, so unlike a ratio to a yardstick timed before or after it, it does not
            // move with the machine's speed: at the bcrypt bound it would be 100%.
            System.out.printf(Locale.ROOT, "  (user-service's bcrypt threads %.1f%%  %6.1f ms)%n",
                    100 * hashing / capacity, 1000 * hashing / Math.max(1, units));
            perUnit.put("bcrypt threads", 1000 * hashing / Math.max(1, units));
        }
        return perUnit;
    }

    /**
     * CPU milliseconds a second since {@link #begin} of the suite's own groups (each service, the launcher, the broker,
     * PostgreSQL), however small: everything but this client, a peer and the machine's other processes.
     */
    double suiteMillisPerSecond() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double ticks = 0;
        for (Map.Entry<String, Long> process : snapshot().entrySet()) {
            String group = process.getKey().substring(process.getKey().indexOf(' ') + 1);
            if (!NOT_THE_SUITE.contains(group)) {
                ticks += process.getValue() - start.getOrDefault(process.getKey(), 0L);
            }
        }
        return 1000 * ticks / TICKS_PER_SECOND / seconds;
    }

    /** User + system ticks of every JIT compiler thread on the machine. */
    private static long compilerTicks() {
        return threadTicks(ProcessTable.directories(),
                name -> name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"));
    }

    /** User + system ticks of user-service's bcrypt pool ({@code PasswordHasher}'s threads, named {@code bcrypt-<n>}). */
    private static long hashingTicks() {
        return threadTicks(ProcessTable.all().stream().filter(p -> p.group().equals("user-service"))
                .map(ProcessTable.Process::dir).toList(), name -> name.startsWith("bcrypt-"));
    }

    /** User + system ticks of the threads of {@code processes} (their {@code /proc} directories) whose name matches. */
    private static long threadTicks(List<Path> processes, Predicate<String> name) {
        long ticks = 0;
        for (Path process : processes) {
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(process.resolve("task"))) {
                for (Path thread : threads) {
                    String stat = Files.readString(thread.resolve("stat"), StandardCharsets.UTF_8);
                    if (name.test(ProcessTable.name(stat))) {
                        ticks += ProcessTable.ticks(stat);
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // The process or thread ended between the listing and the read.
            }
        }
        return ticks;
    }

    /** {@code "<pid> <group>" -> user + system ticks} of every process. */
    private static Map<String, Long> snapshot() {
        Map<String, Long> ticks = new HashMap<>();
        for (ProcessTable.Process process : ProcessTable.all()) {
            try {
                ticks.put(process.pid() + " " + process.group(), process.ticks());
            } catch (RuntimeException gone) {
                // An unreadable stat line: the process was ending.
            }
        }
        return ticks;
    }
}
