package io.replicatedjdbc.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** A horizontal bar chart as a PNG: one bar per label, its median, and a whisker from min to max. Headless. */
final class Chart {

    private record Bar(String label, double median, double min, double max, Color color) {}

    private final String title;
    private final String unit;
    private final List<Bar> bars = new ArrayList<>();

    Chart(String title, String unit) {
        this.title = title;
        this.unit = unit;
    }

    Chart bar(String label, List<Double> values, boolean ours) {
        bars.add(new Bar(
                label,
                Stats.median(values),
                Stats.min(values),
                Stats.max(values),
                ours ? new Color(0x2a6f97) : new Color(0x9aa5b1)));
        return this;
    }

    void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        // The label column fits the longest label (within reason), so that no label is cut.
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int longest = 0;
        try {
            FontMetrics labelMetrics = measure.getFontMetrics(labelFont);
            for (Bar bar : bars) {
                longest = Math.max(longest, labelMetrics.stringWidth(bar.label));
            }
        } finally {
            measure.dispose();
        }
        int labelWidth = Math.min(640, Math.max(330, longest + 32));
        int plotWidth = 520;
        int rowHeight = 34;
        int width = labelWidth + plotWidth + 90;
        int height = 70 + rowHeight * bars.size() + 40;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 12, 24);
            g.setFont(labelFont);
            g.drawString(unit + " (bar: median; whisker: min to max)", 12, 44);
            double top = 0;
            for (Bar bar : bars) {
                top = Math.max(top, Double.isNaN(bar.max) ? bar.median : bar.max);
            }
            top = top <= 0 || Double.isNaN(top) ? 1 : top * 1.1;
            FontMetrics metrics = g.getFontMetrics();
            int y = 64;
            for (Bar bar : bars) {
                g.setColor(Color.DARK_GRAY);
                String label = bar.label;
                while (metrics.stringWidth(label) > labelWidth - 20 && label.length() > 4) {
                    label = label.substring(0, label.length() - 2);
                }
                g.drawString(label, 12, y + rowHeight / 2 + 4);
                int x0 = labelWidth;
                int length = Double.isNaN(bar.median) ? 0 : (int) Math.round(plotWidth * Math.max(0, bar.median) / top);
                g.setColor(bar.color);
                g.fillRect(x0, y + 6, length, rowHeight - 12);
                if (!Double.isNaN(bar.min) && !Double.isNaN(bar.max)) {
                    int a = x0 + (int) Math.round(plotWidth * Math.max(0, bar.min) / top);
                    int b = x0 + (int) Math.round(plotWidth * Math.max(0, bar.max) / top);
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(a, y + rowHeight / 2, b, y + rowHeight / 2);
                    g.drawLine(a, y + 10, a, y + rowHeight - 10);
                    g.drawLine(b, y + 10, b, y + rowHeight - 10);
                }
                g.setColor(Color.BLACK);
                // the value after the bar and its whisker, so that neither covers it
                int end = x0 + length;
                if (!Double.isNaN(bar.max)) {
                    end = Math.max(end, x0 + (int) Math.round(plotWidth * Math.max(0, bar.max) / top));
                }
                g.drawString(format(bar.median), end + 6, y + rowHeight / 2 + 4);
                y += rowHeight;
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }
}
