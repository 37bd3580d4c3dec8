package dev.tessera.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the machine's CPU went during a phase, per process group (each service, the launcher with the gateway, the
 * Kafka broker, PostgreSQL, this client, everything else), from {@code /proc}: the ratios say how far the suite is
 * from its bound, this says which part to look at. Linux only; elsewhere it prints nothing.
 */
final class CpuSplit {

    private static final Path PROC = Path.of("/proc");
    /** {@code USER_HZ}: the unit of the times in {@code /proc/<pid>/stat}; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100;
    /** A text of the command line → the group; the broker first, as its classpath names the launcher's directory. */
    private static final Map<String, String> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("kafka.Kafka", "kafka broker");
        GROUPS.put("user-service", "user-service");
        GROUPS.put("auth-service", "auth-service");
        GROUPS.put("hook-service", "hook-service");
        GROUPS.put("mail-service", "mail-service");
        GROUPS.put("local-suite.jar", "launcher+gateway");
        GROUPS.put("GrantBenchmark", "bench client");
        GROUPS.put("kc.home.dir", "keycloak");
    }

    private final Map<String, Long> start;
    private final long startCompilerTicks;
    private final long startNanos = System.nanoTime();

    private CpuSplit(Map<String, Long> start, long startCompilerTicks) {
        this.start = start;
        this.startCompilerTicks = startCompilerTicks;
    }

    static CpuSplit begin() {
        return new CpuSplit(snapshot(), compilerTicks());
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

    /** Prints each group's share of all cores since {@link #begin}, and its CPU time per {@code unit}. */
    void print(String phase, long units, String unit) {
        if (start.isEmpty()) {
            return;
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
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-16s %5.1f%%  %6.1f ms%n", e.getKey(),
                        100 * e.getValue() / capacity, 1000 * e.getValue() / Math.max(1, units)));
        double compiling = compilerShare() * capacity;
        System.out.printf(Locale.ROOT, "  (of all the above, JIT compiler threads %.1f%%  %6.1f ms)%n",
                100 * compiling / capacity, 1000 * compiling / Math.max(1, units));
    }

    /** User + system ticks of every JIT compiler thread on the machine. */
    private static long compilerTicks() {
        long ticks = 0;
        for (Path process : processes()) {
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(process.resolve("task"))) {
                for (Path thread : threads) {
                    String stat = Files.readString(thread.resolve("stat"), StandardCharsets.UTF_8);
                    String name = name(stat);
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks += ticks(stat);
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
        for (Path process : processes()) {
            try {
                String stat = Files.readString(process.resolve("stat"), StandardCharsets.UTF_8);
                String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                ticks.put(process.getFileName() + " " + group(name(stat), command), ticks(stat));
            } catch (IOException | RuntimeException gone) {
                // The process ended between the listing and the read.
            }
        }
        return ticks;
    }

    /** {@code /proc/<pid>} of every process; none where there is no {@code /proc}. */
    private static List<Path> processes() {
        List<Path> processes = new ArrayList<>();
        if (!Files.isDirectory(PROC)) {
            return processes;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            entries.forEach(processes::add);
        } catch (IOException e) {
            return List.of();
        }
        return processes;
    }

    /** The command name in a {@code stat} line (in parentheses, and it may contain spaces). */
    private static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** utime + stime, fields 14 and 15 of a {@code stat} line. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String group(String name, String command) {
        if (name.equals("postgres") || command.startsWith("postgres")) {
            return "postgres";
        }
        for (Map.Entry<String, String> group : GROUPS.entrySet()) {
            if (command.contains(group.getKey())) {
                return group.getValue();
            }
        }
        return "other";
    }
}
