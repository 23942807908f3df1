package io.replicatedjdbc.internal.classify;

/**
 * The classification cache in front of the classifier. A statement seen before, character for character, is
 * one hash lookup. Otherwise its {@link Fingerprint} (literals folded) is looked up, so applications that inline
 * literals ({@code WHERE id = 1}, {@code WHERE id = 2}) hit the cache too; only a new shape is classified.
 *
 * <p>Memory is bounded whatever the number of distinct statements: each cache holds two generations of at most
 * {@link #ENTRIES} keys and {@link #KEY_CHARS} key characters, and longer statements are not cached. Entries
 * used at least once per generation survive any number of one-off statements. A table of {@link #RECENT_SLOTS} recent
 * shapes of at most {@link #MAX_RECENT_LENGTH} characters each comes on top.
 */
public final class CachingClassifier implements SqlClassifier {

    static final int ENTRIES = 4_096;
    static final long KEY_CHARS = 1_000_000;
    /** Statements longer than this are not held by the exact-text cache (their fingerprint may be). */
    static final int MAX_EXACT_LENGTH = 1_024;
    /** Fingerprints longer than this are classified every time. */
    static final int MAX_SHAPE_LENGTH = 4_096;

    /** Slots of the table of recent shapes, and the longest shape it holds. */
    static final int RECENT_SLOTS = 1_024;

    static final int MAX_RECENT_LENGTH = 1_024;

    private final StatementClassifier delegate;
    private final Dialect dialect;
    private final BoundedCache<Classification> exact = new BoundedCache<>(ENTRIES, KEY_CHARS);
    private final BoundedCache<Shape> byShape = new BoundedCache<>(ENTRIES, KEY_CHARS);
    /**
     * Recent shapes by the hash of their characters, one per slot: a shape written to a thread's buffer is found here
     * by comparing characters, without making a String of it or hashing it again. Slots are read and written without
     * locks: a racing reader sees a whole entry (its final fields), an older one or none, and then looks in
     * {@link #byShape}.
     */
    private final Shape[] recent = new Shape[RECENT_SLOTS];
    /** Each thread's buffers for {@link Fingerprint#write}: JDK types only, so that no driver class stays reachable. */
    private static final ThreadLocal<char[][]> BUFFERS = new ThreadLocal<>();

    /**
     * A shape, its classification, and the last text with literals seen for it (for a second sighting). Immutable but
     * for that text, so that it may be shared through {@link #recent} without locks.
     */
    private static final class Shape {
        final String shape;
        final int hash;
        final Classification classification;
        /**
         * Read and written without synchronisation: a thread that misses another's latest text only delays one exact
         * entry, and a String is safely published whatever the race.
         */
        String lastText;

        Shape(String shape, int hash, Classification classification) {
            this.shape = shape;
            this.hash = hash;
            this.classification = classification;
        }

        boolean is(char[] chars, int length, int charsHash) {
            if (hash != charsHash || shape.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (shape.charAt(i) != chars[i]) {
                    return false;
                }
            }
            return true;
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
        char[][] buffers = BUFFERS.get();
        if (buffers == null) {
            buffers = new char[2][];
            BUFFERS.set(buffers);
        }
        int written = Fingerprint.write(sql, dialect, backslashStrings, buffers);
        int length = Fingerprint.length(written);
        boolean literals = Fingerprint.hadLiterals(written);
        char[] chars = buffers[Fingerprint.SHAPE];
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[i];
        }
        int slot = recentSlot(hash);
        Shape known = recent[slot];
        if (known == null || !known.is(chars, length, hash)) {
            String shape = new String(chars, 0, length);
            known = byShape.get(shape);
            if (known == null) {
                known = new Shape(shape, hash, delegate.classify(shape));
                if (length <= MAX_SHAPE_LENGTH) {
                    byShape.put(shape, known);
                }
            }
            if (length <= MAX_RECENT_LENGTH) {
                recent[slot] = known;
            }
        }
        hit = known.classification;
        if (backslashStrings || sql.length() > MAX_EXACT_LENGTH) {
            return hit;
        }
        // Text with literals gets an exact entry of its own only when it comes back as it is (the same status
        // constant every time, say): a new id each time would fill the exact cache and push out the texts that
        // do come back. Its first sighting is remembered on its shape.
        if (!literals || sql.equals(known.lastText)) {
            exact.put(sql, hit);
        } else {
            known.lastText = sql;
        }
        return hit;
    }

    /** The slot of {@link #recent} for a shape of this hash (String's hash of the shape's characters). */
    static int recentSlot(int hash) {
        return (hash ^ (hash >>> 16)) & (RECENT_SLOTS - 1);
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
