package io.replicatedjdbc.internal.classify;

/**
 * The classification cache in front of the classifier. A statement seen before, character for character, is
 * one hash lookup. Otherwise its {@link Fingerprint} (literals folded) is looked up, so applications that inline
 * literals ({@code WHERE id = 1}, {@code WHERE id = 2}) hit the cache too; only a new shape is classified.
 *
 * <p>Memory is bounded whatever the number of distinct statements: each cache holds two generations of at most
 * {@link #ENTRIES} keys and {@link #KEY_CHARS} key characters, and longer statements are not cached. Entries
 * used at least once per generation survive any number of one-off statements.
 */
public final class CachingClassifier implements SqlClassifier {

    static final int ENTRIES = 4_096;
    static final long KEY_CHARS = 1_000_000;
    /** Statements longer than this are not held by the exact-text cache (their fingerprint may be). */
    static final int MAX_EXACT_LENGTH = 1_024;
    /** Fingerprints longer than this are classified every time. */
    static final int MAX_SHAPE_LENGTH = 4_096;

    private final StatementClassifier delegate;
    private final Dialect dialect;
    private final BoundedCache<Classification> exact = new BoundedCache<>(ENTRIES, KEY_CHARS);
    private final BoundedCache<Shape> byShape = new BoundedCache<>(ENTRIES, KEY_CHARS);

    /** A shape's classification, and the last text with literals seen for it (for a second sighting). */
    private static final class Shape {
        final Classification classification;
        volatile String lastText;

        Shape(Classification classification) {
            this.classification = classification;
        }
    }

    public CachingClassifier(StatementClassifier delegate) {
        this.delegate = delegate;
        this.dialect = delegate.dialect();
    }

    @Override
    public Classification classify(String sql) {
        return classify(sql, false);
    }

    /**
     * The exact-text cache holds standard-string results only; with backslash strings the statement goes by its
     * fingerprint, whose strings are all folded, so the shape cache serves both kinds of session.
     */
    @Override
    public Classification classify(String sql, boolean backslashStrings) {
        Classification hit = backslashStrings ? null : exact.get(sql);
        if (hit != null) {
            return hit;
        }
        Fingerprint fingerprint = Fingerprint.of(sql, dialect, backslashStrings);
        String shape = fingerprint.shape();
        Shape known = byShape.get(shape);
        if (known == null) {
            known = new Shape(delegate.classify(shape));
            if (shape.length() <= MAX_SHAPE_LENGTH) {
                byShape.put(shape, known);
            }
        }
        hit = known.classification;
        if (backslashStrings || sql.length() > MAX_EXACT_LENGTH) {
            return hit;
        }
        // Text with literals gets an exact entry of its own only when it comes back as it is (the same status
        // constant every time, say): a new id each time would fill the exact cache and push out the texts that
        // do come back. Its first sighting is remembered on its shape.
        if (!fingerprint.hadLiterals() || sql.equals(known.lastText)) {
            exact.put(sql, hit);
        } else {
            known.lastText = sql;
        }
        return hit;
    }

    /** Entries held now (both caches, both generations), for tests and metrics. */
    int size() {
        return exact.size() + byShape.size();
    }

    /** Key characters held now, for tests and metrics. */
    long chars() {
        return exact.chars() + byShape.chars();
    }
}
