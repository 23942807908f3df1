package io.replicatedjdbc.internal.classify;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded, thread-safe cache in front of a classifier. Two generations: lookups hit the young map, then
 * the old one (promoting the entry); when the young map is full it becomes the old one and the previous
 * old one is dropped. That keeps recently used statements at a cost of one or two hash lookups, with no
 * lock on the read path and at most {@code 2 * capacity} entries.
 */
public final class CachingClassifier implements SqlClassifier {

    /** Longer SQL is classified every time rather than held in memory. */
    static final int MAX_CACHED_LENGTH = 4_096;

    private final SqlClassifier delegate;
    private final int capacity;
    private volatile ConcurrentHashMap<String, Classification> young;
    private volatile ConcurrentHashMap<String, Classification> old;

    public CachingClassifier(SqlClassifier delegate, int capacity) {
        this.delegate = delegate;
        this.capacity = Math.max(16, capacity);
        this.young = new ConcurrentHashMap<>();
        this.old = new ConcurrentHashMap<>();
    }

    @Override
    public Classification classify(String sql) {
        Classification hit = young.get(sql);
        if (hit != null) {
            return hit;
        }
        hit = old.get(sql);
        if (hit == null) {
            hit = delegate.classify(sql);
            if (sql.length() > MAX_CACHED_LENGTH) {
                return hit;
            }
        }
        put(sql, hit);
        return hit;
    }

    private void put(String sql, Classification classification) {
        ConcurrentHashMap<String, Classification> current = young;
        current.put(sql, classification);
        if (current.size() >= capacity) {
            synchronized (this) {
                if (young == current) {
                    old = current;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
    }

    /** Entries held now, for tests and metrics. */
    int size() {
        return young.size() + old.size();
    }
}
