package io.replicatedjdbc.benchmarks.load;

import io.replicatedjdbc.benchmarks.ClassifierBenchmark;
import io.replicatedjdbc.benchmarks.StatementPathBenchmark;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The micro benchmarks (JMH), run from the suite: the classifier (cache hit, fingerprint hit, cold parse), and the
 * whole statement path in process against a driver that does no I/O.
 */
final class Micro {

    private Micro() {}

    static Table run(Settings settings, List<NamedChart> charts) throws Exception {
        Options options = new OptionsBuilder()
                .include(ClassifierBenchmark.class.getName() + "\\.")
                .include(StatementPathBenchmark.class.getName() + "\\.")
                .forks(settings.smoke() ? 0 : 1)
                .warmupIterations(settings.smoke() ? 0 : 2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(settings.smoke() ? 1 : 4)
                .measurementTime(settings.smoke() ? TimeValue.milliseconds(100) : TimeValue.seconds(1))
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Table table = new Table(
                "classifier",
                "Micro benchmarks (JMH, average time per call): the classifier, and the"
                        + " statement path against a driver that does no I/O",
                "benchmark",
                "ns per call",
                "error (99.9%)");
        Chart chart =
                new Chart("Classifier, time per call", "nanoseconds (log-free scale; the cold parse dwarfs the rest)");
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark().replaceAll(".*\\.", "");
            String driver = result.getParams().getParam("driver");
            if (driver != null) {
                name = name + " (" + driver + ")";
            }
            double score = result.getPrimaryResult().getScore();
            double error = result.getPrimaryResult().getScoreError();
            table.row(name, score, error);
            if (!name.startsWith("cold")) {
                chart.bar(
                        name,
                        List.of(
                                score,
                                Double.isNaN(error) ? score : score - error,
                                Double.isNaN(error) ? score : score + error),
                        true);
            }
        }
        table.note("The chart leaves out the cold classification (a first sight of a statement: lexer, token scan and"
                + " JSqlParser), which the table gives.");
        charts.add(new NamedChart("classifier", chart));
        return table;
    }
}
