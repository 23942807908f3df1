package io.replicatedjdbc.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scenario's results: named columns, rows of values; written as CSV, JSON and a Markdown table. */
final class Table {

    final String name;
    final String title;
    final List<String> columns;
    final List<Map<String, Object>> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Table(String name, String title, String... columns) {
        this.name = name;
        this.title = title;
        this.columns = List.of(columns);
    }

    Map<String, Object> row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values for " + columns.size() + " columns");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(columns.get(i), values[i]);
        }
        rows.add(row);
        return row;
    }

    Table note(String note) {
        notes.add(note);
        return this;
    }

    private static String text(Object value) {
        if (value instanceof Double d) {
            double abs = Math.abs(d);
            return Double.isNaN(d)
                    ? ""
                    : abs >= 100
                            ? String.format("%.0f", d)
                            : abs >= 10 ? String.format("%.1f", d) : String.format("%.2f", d);
        }
        return String.valueOf(value);
    }

    String markdown() {
        StringBuilder md = new StringBuilder("### ").append(title).append("\n\n|");
        for (String column : columns) {
            md.append(' ').append(column).append(" |");
        }
        md.append("\n|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        for (Map<String, Object> row : rows) {
            md.append('|');
            for (String column : columns) {
                md.append(' ').append(text(row.get(column))).append(" |");
            }
            md.append('\n');
        }
        for (String note : notes) {
            md.append("\n- ").append(note);
        }
        return md.append("\n\n").toString();
    }

    void write(Path directory) throws IOException {
        StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                String cell = String.valueOf(row.get(column));
                cells.add(cell.contains(",") || cell.contains("\"") ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
            }
            csv.append(String.join(",", cells)).append('\n');
        }
        Files.write(directory.resolve(name + ".csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        Files.write(directory.resolve(name + ".json"), json().getBytes(StandardCharsets.UTF_8));
    }

    String json() {
        StringBuilder json = new StringBuilder("{\n  \"scenario\": ")
                .append(quote(name))
                .append(",\n  \"title\": ")
                .append(quote(title))
                .append(",\n  \"rows\": [");
        for (int r = 0; r < rows.size(); r++) {
            json.append(r == 0 ? "\n    {" : ",\n    {");
            int c = 0;
            for (Map.Entry<String, Object> cell : rows.get(r).entrySet()) {
                json.append(c++ == 0 ? "" : ", ").append(quote(cell.getKey())).append(": ");
                Object v = cell.getValue();
                json.append(
                        v instanceof Number n && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))
                                ? n.toString()
                                : v instanceof Double ? "null" : quote(String.valueOf(v)));
            }
            json.append('}');
        }
        json.append("\n  ],\n  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(quote(notes.get(i)));
        }
        return json.append("]\n}\n").toString();
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
