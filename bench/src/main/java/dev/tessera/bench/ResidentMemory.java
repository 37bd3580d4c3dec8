package dev.tessera.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resident memory (RSS, {@code VmRSS} in {@code /proc/<pid>/status}) of the processes an operator runs: each service,
 * the broker, the launcher with the gateway, the local suite as a whole (all of those), and Keycloak. Resident memory
 * is what the machine must hold, whatever a JVM's heap settings say. Linux only; elsewhere it answers nothing.
 */
final class ResidentMemory {

    /** The groups of {@link ProcessTable} that make up the local suite (PostgreSQL is the operator's own). */
    static final List<String> SUITE = List.of("auth-service", "user-service", "hook-service", "mail-service",
            "kafka broker", "launcher+gateway");
    static final String WHOLE_SUITE = "local suite";
    static final String KEYCLOAK = "keycloak";

    private ResidentMemory() {
    }

    /** Megabytes (MiB) resident by group, for the suite's groups and Keycloak, with the suite's total. */
    static Map<String, Double> megabytes() {
        Map<String, Double> byGroup = new LinkedHashMap<>();
        for (ProcessTable.Process process : ProcessTable.target()) {
            String group = process.group();
            if (SUITE.contains(group) || group.equals(KEYCLOAK)) {
                byGroup.merge(group, residentKilobytes(process) / 1024.0, Double::sum);
            }
        }
        double suite = SUITE.stream().mapToDouble(group -> byGroup.getOrDefault(group, 0.0)).sum();
        if (suite > 0) {
            byGroup.put(WHOLE_SUITE, suite);
        }
        return byGroup;
    }

    /** Takes and prints a snapshot, and keeps it in the run's record as {@code <prefix><group>}. */
    static Map<String, Double> note(String when, RunRecord record, String prefix) {
        Map<String, Double> megabytes = megabytes();
        System.out.printf(Locale.ROOT, "resident memory %s:", when);
        megabytes.forEach((group, mb) -> System.out.printf(Locale.ROOT, " %s %.0f MB;", group, mb));
        System.out.println();
        megabytes.forEach((group, mb) -> record.figure(prefix + group, mb));
        return megabytes;
    }

    private static long residentKilobytes(ProcessTable.Process process) {
        try {
            for (String line : Files.readAllLines(process.dir().resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // The process ended between the listing and the read.
        }
        return 0;
    }
}
