package io.replicatedjdbc.benchmarks.load;

/** A chart and the file name it is written under. */
record NamedChart(String name, Chart chart) {}
