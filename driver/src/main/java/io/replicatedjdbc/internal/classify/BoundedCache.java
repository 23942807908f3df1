package io.replicatedjdbc.internal.classify;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe cache of string keys bounded in entries and in key characters, with no lock on lookups.
 * Two generations: a lookup checks the young map, then the old one (promoting what it finds); when the young
 * map reaches its bound it becomes the old one and the previous old one is dropped. Recently used entries
 * survive; at most two generations are held.
 */
final class BoundedCache<V> {

    private final int maxEntries;
    private final long maxChars;
    private volatile Generation<V> young;
    private volatile Generation<V> old;

    private static final class Generation<V> {
        final ConcurrentHashMap<String, V> map;
        final AtomicLong chars = new AtomicLong();

        Generation(int capacity) {
            // Sized for a full generation up front: no rehashing while it fills.
            map = new ConcurrentHashMap<>(capacity * 4 / 3 + 1);
        }
    }

    /** Each generation holds at most {@code maxEntries} keys and about {@code maxChars} key characters. */
    BoundedCache(int maxEntries, long maxChars) {
        this.maxEntries = Math.max(16, maxEntries);
        this.maxChars = Math.max(1024, maxChars);
        this.young = new Generation<>(this.maxEntries);
        this.old = new Generation<>(this.maxEntries);
    }

    V get(String key) {
        V value = young.map.get(key);
        if (value != null) {
            return value;
        }
        value = old.map.get(key);
        if (value != null) {
            put(key, value);
        }
        return value;
    }

    void put(String key, V value) {
        Generation<V> current = young;
        if (current.map.put(key, value) == null
                && (current.chars.addAndGet(key.length()) >= maxChars || current.map.size() >= maxEntries)) {
            synchronized (this) {
                if (young == current) {
                    old = current;
                    young = new Generation<>(maxEntries);
                }
            }
        }
    }

    int size() {
        return young.map.size() + old.map.size();
    }

    long chars() {
        return young.chars.get() + old.chars.get();
    }
}
