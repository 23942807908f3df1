package io.replicatedjdbc.benchmarks;

import io.replicatedjdbc.internal.classify.CachingClassifier;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.Fingerprint;
import io.replicatedjdbc.internal.classify.StatementClassifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What classification costs per statement: a repeated statement (exact-text cache hit), the same statement
 * with new literals each time (fingerprint hit, including normalisation), and a statement never seen (lexer
 * plus parser, no cache). The statement is a 200-character join typical of ORMs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ClassifierBenchmark {

    /** 200 characters once the literals are filled in. */
    static final String TEMPLATE =
            "SELECT o.id, o.total, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id"
                    + " WHERE o.status = '%s' AND o.created_at > '2026-11-%02d' AND c.region_id = %d ORDER BY o.id LIMIT %d";

    private CachingClassifier cache;
    private StatementClassifier uncached;
    private String repeated;
    private char[] repeatedChars;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        cache = new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL));
        uncached = new StatementClassifier(Dialect.POSTGRESQL);
        repeated = String.format(TEMPLATE, "paid", 1, 7, 50);
        repeatedChars = repeated.toCharArray();
        cache.classify(repeated);
    }

    /** The same String object each time, as a constant in application code: hash cached by the String. */
    @Benchmark
    public Classification exactHit_sameString() {
        return cache.classify(repeated);
    }

    /** The same text in a new String each time, as a query built at run time: hashing included. */
    @Benchmark
    public Classification exactHit_newString() {
        return cache.classify(new String(repeatedChars));
    }

    /**
     * Inlined literals that change every time: the exact-text cache misses, the fingerprint hits. The statement is
     * built fresh each time, as an application would; {@link #baseline_buildStatement()} is that building alone.
     */
    @Benchmark
    public Classification fingerprintHit_newLiterals() {
        return cache.classify(build());
    }

    /** Only building the statement of {@link #fingerprintHit_newLiterals()}: subtract it from that score. */
    @Benchmark
    public String baseline_buildStatement() {
        return build();
    }

    /** 200 characters with four literals that differ every time. */
    private String build() {
        int i = next++;
        return "SELECT o.id, o.total, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id"
                + " WHERE o.status = 'status" + i + "' AND o.created_at > '2026-11-" + (10 + i % 18)
                + "' AND c.region_id = " + (i % 1000) + " ORDER BY o.id LIMIT " + (10 + i % 90);
    }

    /** The same fresh statements through fingerprinting alone, without the caches. */
    @Benchmark
    public String fingerprintOnly() {
        return Fingerprint.of(build(), Dialect.POSTGRESQL).shape();
    }

    /** A statement never seen: the lexer, the token scan and the bounded JSqlParser confirmation. */
    @Benchmark
    public Classification coldClassification() {
        return uncached.classify(repeated);
    }
}
