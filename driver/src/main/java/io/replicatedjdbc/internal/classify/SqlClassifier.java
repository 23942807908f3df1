package io.replicatedjdbc.internal.classify;

/** Classifies one SQL string, which may hold several statements. Implementations are thread-safe. */
public interface SqlClassifier {

    Classification classify(String sql);
}
