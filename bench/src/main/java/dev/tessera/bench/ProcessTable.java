package dev.tessera.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The machine's processes from {@code /proc}, each named by the group the bench reports it in (each service, the
 * launcher with the gateway, the Kafka broker, PostgreSQL, this client, Keycloak, everything else). The CPU split and
 * the memory footprint group alike, so their rows name the same processes. Linux only; elsewhere there are none.
 */
final class ProcessTable {

    private static final Path PROC = Path.of("/proc");
    /** A text of the command line → the group; the broker first, as its classpath names the launcher's directory. */
    private static final Map<String, String> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("kafka.Kafka", "kafka broker");
        GROUPS.put("user-service", "user-service");
        GROUPS.put("auth-service", "auth-service");
        GROUPS.put("hook-service", "hook-service");
        GROUPS.put("mail-service", "mail-service");
        GROUPS.put("local-suite.jar", "launcher+gateway");
        GROUPS.put("dev.tessera.bench.", "bench client");
        GROUPS.put("kc.home.dir", "keycloak");
    }

    /** The services, in the order the footprint table lists them. */
    static final List<String> SERVICES = List.of("auth-service", "user-service", "hook-service", "mail-service");

    private ProcessTable() {
    }

    /** One process: its {@code /proc} directory, its {@code stat} line and command line (arguments split). */
    record Process(Path dir, String stat, List<String> arguments) {
        String pid() {
            return dir.getFileName().toString();
        }

        /** The command name in the {@code stat} line (in parentheses, and it may contain spaces). */
        String name() {
            return ProcessTable.name(stat);
        }

        String command() {
            return String.join(" ", arguments);
        }

        String group() {
            return ProcessTable.group(name(), command());
        }

        /** utime + stime, fields 14 and 15 of the {@code stat} line. */
        long ticks() {
            return ProcessTable.ticks(stat);
        }

        /** The parent's pid, field 4 of the {@code stat} line. */
        String parent() {
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1];
        }
    }

    /**
     * The processes of the target measured: the process {@code BENCH_TARGET_PID} names (the launcher or Keycloak's
     * start script, set by {@code bench/run.sh} and {@code bench/keycloak.sh}) and its descendants, so another suite on
     * the same machine is not counted; without it, every process.
     */
    static List<Process> target() {
        List<Process> all = all();
        String root = System.getenv("BENCH_TARGET_PID");
        if (root == null || root.isBlank()) {
            return all;
        }
        Set<String> tree = new HashSet<>(Set.of(root.trim()));
        boolean grown = true;
        while (grown) {
            grown = false;
            for (Process process : all) {
                try {
                    grown |= tree.contains(process.parent()) && tree.add(process.pid());
                } catch (RuntimeException unreadable) {
                    // A stat line cut short: the process was ending.
                }
            }
        }
        return all.stream().filter(p -> tree.contains(p.pid())).toList();
    }

    /** Every process that could be read (one that ends between the listing and the read is left out). */
    static List<Process> all() {
        List<Process> processes = new ArrayList<>();
        for (Path dir : directories()) {
            try {
                String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
                String command = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                List<String> arguments = command.isEmpty() ? List.of() : List.of(command.split("\0"));
                processes.add(new Process(dir, stat, arguments));
            } catch (IOException | RuntimeException gone) {
                // The process ended between the listing and the read.
            }
        }
        return processes;
    }

    /** {@code /proc/<pid>} of every process; none where there is no {@code /proc}. */
    static List<Path> directories() {
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

    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static String group(String name, String command) {
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
