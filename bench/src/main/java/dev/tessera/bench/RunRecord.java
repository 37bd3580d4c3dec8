package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What one benchmark process measured, kept for the run's file: named figures (rates, percentiles, CPU per request,
 * memory, start times) that {@link Report} combines into {@code bench/results/<date>-<commit>-<n>.json} and summarizes
 * across runs, and each phase's trace (throughput per second, latency distribution) for the picture. Keycloak, the
 * suite's phases and the mail phase run in separate processes, so each writes its part into {@code BENCH_RUN_DIR} (set
 * by {@code bench/run.sh}); without it nothing is written.
 */
final class RunRecord {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The percentiles a trace keeps of its latencies: enough for the distribution's shape and its tail. */
    static final double[] PERCENTILES = percentiles();

    /** The figures and traces of one part, or of a whole run. */
    record Data(Map<String, Double> figures, List<Trace> traces) {
        Data {
            figures = new TreeMap<>(figures);
            traces = new ArrayList<>(traces);
        }
    }

    /**
     * One measured phase of one target: requests completed in each second of the window, and the latency in
     * milliseconds at each of {@link #PERCENTILES}.
     */
    record Trace(String target, String phase, int[] perSecond, double[] percentiles, double[] latencyMillis) {
        String label() {
            return target + " " + phase;
        }
    }

    private final String part;
    private final Data data = new Data(Map.of(), List.of());

    RunRecord(String part) {
        this.part = part;
    }

    void figure(String name, double value) {
        if (!Double.isNaN(value) && !Double.isInfinite(value)) {
            data.figures().put(name, value);
        }
    }

    void figures(String prefix, Map<String, Double> values) {
        values.forEach((name, value) -> figure(prefix + name, value));
    }

    /** A closed-loop phase: its rate, percentiles, errors, CPU per request by process group, and its trace. */
    void phase(String target, String phase, GrantBenchmark.Result result, Map<String, Double> cpuPerRequest) {
        String prefix = key(target) + "." + phase + ".";
        figure(prefix + "per_second", result.perSecond());
        figure(prefix + "p50_ms", result.percentileMillis(50));
        figure(prefix + "p99_ms", result.percentileMillis(99));
        figure(prefix + "errors", result.errors());
        figures(prefix + "cpu_ms.", cpuPerRequest);
        trace(target, phase, result.perSecondSeries(), result.latenciesMicros());
    }

    void trace(String target, String phase, int[] perSecond, long[] latenciesMicros) {
        double[] millis = new double[PERCENTILES.length];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = GrantBenchmark.percentileMillis(latenciesMicros, PERCENTILES[i]);
        }
        data.traces().add(new Trace(target, phase, perSecond, PERCENTILES, millis));
    }

    /** Writes the part into {@code BENCH_RUN_DIR}, if set. */
    void write() throws IOException {
        String dir = System.getenv("BENCH_RUN_DIR");
        if (dir != null && !dir.isBlank()) {
            JSON.writeValue(Path.of(dir, part + ".json").toFile(), data);
        }
    }

    static Data read(Path file) throws IOException {
        return JSON.readValue(Files.readAllBytes(file), Data.class);
    }

    /** A figure name's first part: the target, lower case ("tessera", "keycloak"). */
    static String key(String target) {
        return target.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    private static double[] percentiles() {
        List<Double> points = new ArrayList<>();
        for (int p = 1; p <= 99; p++) {
            points.add((double) p);
        }
        points.addAll(List.of(99.5, 99.9, 100.0));
        return points.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
