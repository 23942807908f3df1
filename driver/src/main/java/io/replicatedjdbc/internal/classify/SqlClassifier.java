package io.replicatedjdbc.internal.classify;

/** Classifies one SQL string, which may hold several statements. Implementations are thread-safe. */
public interface SqlClassifier {

    Classification classify(String sql);

    /**
     * Classifies SQL from a PostgreSQL session whose {@code standard_conforming_strings} is off: there, a backslash
     * escapes the next character inside {@code '...'}, so {@code '\''} is one string holding a quote.
     */
    default Classification classify(String sql, boolean backslashStrings) {
        return classify(sql);
    }
}
