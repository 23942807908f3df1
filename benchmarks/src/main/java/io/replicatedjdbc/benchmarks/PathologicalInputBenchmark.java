package io.replicatedjdbc.benchmarks;

import io.replicatedjdbc.internal.classify.CachingClassifier;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.StatementClassifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Inputs that make SQL parsers slow, classified cold (a new cache each time), as the first sight of them would be. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PathologicalInputBenchmark {

    @Param({"inList1MB", "parens200", "jsonChain500"})
    public String input;

    private String sql;

    @Setup
    public void setUp() {
        switch (input) {
            case "inList1MB":
                StringBuilder in = new StringBuilder("SELECT * FROM t WHERE id IN (");
                for (int i = 0; in.length() < 1_000_000; i++) {
                    in.append(i == 0 ? "" : ", ").append(i);
                }
                sql = in.append(')').toString();
                break;
            case "parens200":
                sql = "SELECT " + "(".repeat(200) + "1" + ")".repeat(200);
                break;
            default:
                StringBuilder json = new StringBuilder("SELECT data");
                for (int i = 0; i < 500; i++) {
                    json.append(i % 2 == 0 ? "->'k" : "->>'k").append(i).append('\'');
                }
                sql = json.append(" FROM docs").toString();
        }
    }

    @Benchmark
    public Classification classifyCold() {
        return new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL)).classify(sql);
    }
}
