package dev.tessera.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The run's picture: requests answered per second over each measured window, and each phase's latency distribution
 * (the share of requests answered within a time), Tessera's in solid lines and Keycloak's dashed in the same colour
 * per phase. Both value axes are logarithmic: a login rate of tens a second and a token-check rate of thousands share
 * one plot.
 */
final class Picture {

    private static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 420;
    private static final List<Color> COLOURS = List.of(new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b));

    private Picture() {
    }

    static void write(RunRecord.Data data, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> phases = data.traces().stream().map(RunRecord.Trace::phase).distinct().toList();
        XYSeriesCollection throughput = new XYSeriesCollection();
        XYSeriesCollection latency = new XYSeriesCollection();
        for (RunRecord.Trace trace : data.traces()) {
            XYSeries rate = new XYSeries(trace.label(), false);
            int[] perSecond = trace.perSecond();
            for (int second = 0; second < perSecond.length; second++) {
                if (perSecond[second] > 0) {
                    rate.add(second + 1, perSecond[second]);
                }
            }
            throughput.addSeries(rate);
            XYSeries distribution = new XYSeries(String.format(Locale.ROOT, "%s (p50 %.1f ms, p99 %.1f ms)",
                    trace.label(), at(trace, 50), at(trace, 99)), false);
            for (int i = 0; i < trace.percentiles().length; i++) {
                if (trace.latencyMillis()[i] > 0) {
                    distribution.add(trace.latencyMillis()[i], trace.percentiles()[i]);
                }
            }
            latency.addSeries(distribution);
        }
        JFreeChart top = chart(title + ": throughput over each measured window",
                new XYPlot(throughput, new NumberAxis("second of the window"), logAxis("requests answered per second"),
                        renderer(data, phases)));
        NumberAxis share = new NumberAxis("% of requests answered within");
        share.setRange(0, 100);
        JFreeChart bottom = chart("latency distribution of each phase",
                new XYPlot(latency, logAxis("latency, ms"), share, renderer(data, phases)));

        BufferedImage image = new BufferedImage(WIDTH, 2 * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        top.draw(g, new Rectangle2D.Double(0, 0, WIDTH, PANEL_HEIGHT));
        bottom.draw(g, new Rectangle2D.Double(0, PANEL_HEIGHT, WIDTH, PANEL_HEIGHT));
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    /** A logarithmic axis labelled in plain numbers (1, 10, 100), not in powers. */
    private static LogarithmicAxis logAxis(String label) {
        LogarithmicAxis axis = new LogarithmicAxis(label + " (log scale)");
        axis.setAllowNegativesFlag(false);
        axis.setStrictValuesFlag(false);
        axis.setExpTickLabelsFlag(false);
        axis.setLog10TickLabelsFlag(false);
        return axis;
    }

    private static JFreeChart chart(String title, XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** One colour per phase; Keycloak's line dashed. */
    private static XYLineAndShapeRenderer renderer(RunRecord.Data data, List<String> phases) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.traces().size(); i++) {
            RunRecord.Trace trace = data.traces().get(i);
            renderer.setSeriesPaint(i, COLOURS.get(phases.indexOf(trace.phase()) % COLOURS.size()));
            renderer.setSeriesStroke(i, trace.target().equals("Tessera") ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f},
                            0f));
        }
        return renderer;
    }

    private static double at(RunRecord.Trace trace, double percentile) {
        for (int i = 0; i < trace.percentiles().length; i++) {
            if (trace.percentiles()[i] == percentile) {
                return trace.latencyMillis()[i];
            }
        }
        return Double.NaN;
    }
}
