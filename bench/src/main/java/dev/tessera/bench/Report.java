package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The run's file, table and picture, and the summary of several runs.
 *
 * <ul>
 * <li>{@code combine <run dir> <results dir>}: merges the parts the benchmark processes wrote (Keycloak's, the suite's,
 * the mail phase's), adds the ratios, writes {@code <date>-<commit>-<n>.json} and {@code latest.png} into the results
 * directory, and prints the ratios and the footprint table beside Keycloak's figures.
 * <li>{@code summarize [date] [results dir]}: the median and min–max of every figure across that day's run files
 * (today, UTC, by default): the figures are the median of at least three runs on one day, not the best one.
 * </ul>
 */
public final class Report {

    /** Ratios of Tessera's figure to Keycloak's, from one run: the goals are stated as these. */
    private static final Map<String, String> RATIOS = ratios();
    private static final double SERVICE_GOAL_MB = 200;
    private static final double SUITE_GOAL_MB = 1200;
    private static final double SERVICE_START_GOAL_S = 5;
    private static final double SUITE_START_GOAL_S = 30;

    private Report() {
    }

    /**
     * Each of Tessera's phases and the peer's phase it is compared with: the token checks at user-service's own port
     * against the same userinfo as those through the gateway.
     */
    private static Map<String, String> ratios() {
        Map<String, String> ratios = new LinkedHashMap<>();
        for (String phase : List.of("login", "refresh", "check")) {
            ratios.put(phase, phase);
        }
        ratios.put(GrantBenchmark.DIRECT_CHECK, "check");
        return ratios;
    }

    /** A run's file: when and what was measured, its figures, and its phases' traces. */
    record RunFile(String date, String commit, Map<String, Double> figures, List<RunRecord.Trace> traces) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("combine")) {
            combine(Path.of(args[1]), Path.of(args[2]));
        } else if (args.length >= 1 && args[0].equals("summarize")) {
            String date = args.length > 1 ? args[1] : LocalDate.now(ZoneOffset.UTC).toString();
            summarize(date, Path.of(args.length > 2 ? args[2] : "bench/results"));
        } else {
            System.err.println("usage: Report combine <run dir> <results dir> | summarize [yyyy-mm-dd] [results dir]");
            System.exit(2);
        }
    }

    static void combine(Path runDir, Path results) throws IOException {
        RunRecord.Data all = new RunRecord.Data(Map.of(), List.of());
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(runDir, "*.json")) {
            List<Path> sorted = new ArrayList<>();
            parts.forEach(sorted::add);
            // Keycloak's part first, so the picture's legend lists the peer beside each of Tessera's phases.
            sorted.sort((a, b) -> Boolean.compare(!a.toString().contains("keycloak"), !b.toString().contains("keycloak")));
            for (Path part : sorted) {
                RunRecord.Data data = RunRecord.read(part);
                all.figures().putAll(data.figures());
                all.traces().addAll(data.traces());
            }
        }
        if (all.figures().isEmpty()) {
            System.out.println("No figures were recorded in this run.");
            return;
        }
        RATIOS.forEach((phase, peerPhase) -> {
            Double tessera = all.figures().get("tessera." + phase + ".per_second");
            Double keycloak = all.figures().get("keycloak." + peerPhase + ".per_second");
            if (tessera != null && keycloak != null && keycloak > 0) {
                all.figures().put("ratio_to_keycloak." + phase, tessera / keycloak);
            }
        });
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        String commit = GrantBenchmark.env("BENCH_COMMIT", "unknown");
        Files.createDirectories(results);
        int n = 1;
        while (Files.exists(results.resolve(date + "-" + commit + "-" + n + ".json"))) {
            n++;
        }
        Path file = results.resolve(date + "-" + commit + "-" + n + ".json");
        RunRecord.JSON.writeValue(file.toFile(), new RunFile(date, commit, all.figures(), all.traces()));
        Path png = results.resolve("latest.png");
        boolean peer = all.traces().stream().anyMatch(trace -> !trace.target().equals("Tessera"));
        Picture.write(all, "Tessera " + commit + (peer ? " and Keycloak, " : ", ") + date + " (run " + n + ")", png);

        System.out.println();
        printRatios(all.figures());
        printFootprint(all.figures());
        System.out.println("Figures written to " + file + "; picture to " + png + ".");
    }

    private static void printRatios(Map<String, Double> figures) {
        System.out.println("Tessera against Keycloak in this run (per second, same client, workers and warm-up rule):");
        RATIOS.forEach((phase, peerPhase) -> {
            Double tessera = figures.get("tessera." + phase + ".per_second");
            Double keycloak = figures.get("keycloak." + peerPhase + ".per_second");
            if (tessera == null) {
                return;
            }
            System.out.printf(Locale.ROOT, "  %-12s Tessera %8.1f/s (p99 %6.1f ms)   Keycloak %s   ratio %s%n", phase,
                    tessera, figures.getOrDefault("tessera." + phase + ".p99_ms", Double.NaN),
                    keycloak == null ? "       -" : String.format(Locale.ROOT, "%8.1f/s (p99 %6.1f ms)", keycloak,
                            figures.getOrDefault("keycloak." + peerPhase + ".p99_ms", Double.NaN)),
                    keycloak == null ? "-" : String.format(Locale.ROOT, "%.2fx", tessera / keycloak));
        });
        System.out.println("  (goals: refresh and token check at least 3x Keycloak; login at least 0.9 of the bcrypt "
                + "bound, printed above; " + GrantBenchmark.DIRECT_CHECK + ": the token check at user-service's own "
                + "port, without the gateway, as Keycloak is measured)");
    }

    /** Resident memory after the start and after the load, and launch to ready, beside the goals and Keycloak. */
    private static void printFootprint(Map<String, Double> figures) {
        System.out.println();
        System.out.println("Footprint (resident MB after the start, idle / after the load and a quiet spell; seconds "
                + "from launch to ready):");
        System.out.printf("  %-18s %12s %12s %14s   %s%n", "process", "after start", "after load", "launch->ready",
                "goals");
        List<String> rows = new ArrayList<>(ResidentMemory.SUITE);
        rows.add(ResidentMemory.WHOLE_SUITE);
        rows.add(ResidentMemory.KEYCLOAK);
        for (String row : rows) {
            Double start = switch (row) {
                case ResidentMemory.WHOLE_SUITE -> figures.get("footprint.start_s.tessera");
                case ResidentMemory.KEYCLOAK -> figures.get("footprint.start_s.keycloak");
                default -> figures.get("footprint.start_alone_s." + row);
            };
            String goals = switch (row) {
                case ResidentMemory.WHOLE_SUITE -> String.format(Locale.ROOT, "<= %.0f MB idle, <= %.0f s",
                        SUITE_GOAL_MB, SUITE_START_GOAL_S);
                case "kafka broker", "launcher+gateway", ResidentMemory.KEYCLOAK -> "";
                default -> String.format(Locale.ROOT, "<= %.0f MB, <= %.0f s started alone", SERVICE_GOAL_MB,
                        SERVICE_START_GOAL_S);
            };
            System.out.printf(Locale.ROOT, "  %-18s %12s %12s %14s   %s%n", row,
                    megabytes(figures.get("footprint.rss_after_start_mb." + row)),
                    megabytes(figures.get("footprint.rss_after_load_mb." + row)),
                    start == null ? "-" : String.format(Locale.ROOT, "%.1f s", start), goals);
        }
        System.out.println("  (a service's launch->ready is its start alone beside the running suite; the local "
                + "suite's is the launcher's start to all ready)");
    }

    private static String megabytes(Double mb) {
        return mb == null ? "-" : String.format(Locale.ROOT, "%.0f MB", mb);
    }

    static void summarize(String date, Path results) throws IOException {
        List<Map<String, Double>> runs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(results)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(results, date + "-*.json")) {
                for (Path file : files) {
                    JsonNode figures = RunRecord.JSON.readTree(file.toFile()).path("figures");
                    Map<String, Double> run = new TreeMap<>();
                    figures.properties().forEach(e -> run.put(e.getKey(), e.getValue().asDouble()));
                    runs.add(run);
                    names.add(file.getFileName().toString());
                }
            }
        }
        if (runs.isEmpty()) {
            System.out.println("No run files for " + date + " in " + results + ".");
            return;
        }
        names.sort(null);
        System.out.printf("%d runs on %s: %s%n", runs.size(), date, String.join(", ", names));
        if (runs.size() < 3) {
            System.out.println("(fewer than three runs: the issue asks for the median of at least three)");
        }
        Map<String, List<Double>> byFigure = new TreeMap<>();
        runs.forEach(run -> run.forEach((name, value) -> byFigure.computeIfAbsent(name, k -> new ArrayList<>())
                .add(value)));
        System.out.printf("  %-58s %12s %25s %4s%n", "figure", "median", "min - max", "runs");
        byFigure.forEach((name, values) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %-58s %12.2f %12.2f - %-10.2f %4d%n", name, median(sorted), sorted[0],
                    sorted[sorted.length - 1], sorted.length);
        });
    }

    static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
