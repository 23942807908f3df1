package io.replicatedjdbc.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.LogCapture;
import io.replicatedjdbc.testing.RecordingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The per-node pool alone, over the recording driver: reuse, bounds, waits, ageing, eviction and leaks. */
class NodePoolTest {

    static {
        RecordingDriver.register();
    }

    private final AtomicInteger opened = new AtomicInteger();

    private NodePool pool(
            int size, long timeoutMillis, long idleMillis, long lifetimeMillis, long validateMillis, long leakMillis) {
        return new NodePool(
                "node1 (host:5432)",
                () -> {
                    opened.incrementAndGet();
                    return DriverManager.getConnection("jdbc:recording:node1");
                },
                new NodePool.Limits(size, timeoutMillis, idleMillis, lifetimeMillis, validateMillis, leakMillis));
    }

    private NodePool pool(int size) {
        return pool(size, 200, 0, 0, 60_000, 0);
    }

    @Test
    void aReturnedConnection_isLentAgain_insteadOfOpeningAnother() throws SQLException {
        NodePool pool = pool(3);
        NodePool.Entry first = pool.borrow();
        pool.release(first);
        NodePool.Entry second = pool.borrow();
        assertThat(second).isSameAs(first);
        assertThat(opened).hasValue(1);
        assertThat(pool.statistics().active).isEqualTo(1);
        assertThat(pool.statistics().idle).isZero();
    }

    @Test
    void aFullPool_failsAfterItsTimeout_namingTheNodeAndItsSize() throws SQLException {
        NodePool pool = pool(1);
        pool.borrow();
        assertThatThrownBy(pool::borrow)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("node1 (host:5432)")
                .hasMessageContaining("all 1 of its pool")
                .hasMessageContaining("200 ms");
        assertThat(opened).hasValue(1);
    }

    @Test
    void aWaitingBorrower_getsTheConnectionReturnedMeanwhile() throws Exception {
        NodePool pool = new NodePool(
                "node1",
                () -> DriverManager.getConnection("jdbc:recording:node1"),
                new NodePool.Limits(1, 10_000, 0, 0, 60_000, 0));
        NodePool.Entry held = pool.borrow();
        CompletableFuture<NodePool.Entry> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.borrow();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pool.statistics().waiting == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(pool.statistics().waiting).isEqualTo(1);
        pool.release(held);
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isSameAs(held);
    }

    @Test
    void anInterruptedWait_endsAtOnce_andKeepsTheInterrupt() throws SQLException {
        NodePool pool = new NodePool(
                "node1",
                () -> DriverManager.getConnection("jdbc:recording:node1"),
                new NodePool.Limits(1, 60_000, 0, 0, 60_000, 0));
        pool.borrow();
        Thread.currentThread().interrupt();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(pool::borrow)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("Interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                    .isLessThan(30);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aConnectionThatCannotBeOpened_givesItsPlaceBack() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        NodePool pool = new NodePool(
                "down",
                () -> {
                    if (attempts.incrementAndGet() <= 3) {
                        throw new SQLException("refused", "08001");
                    }
                    return DriverManager.getConnection("jdbc:recording:node1");
                },
                new NodePool.Limits(1, 100, 0, 0, 60_000, 0));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(pool::borrow).hasMessage("refused");
        }
        assertThat(pool.borrow().connection().isClosed()).isFalse();
    }

    @Test
    void aDiscardedConnection_isClosed_andAnotherOpenedInItsPlace() throws SQLException {
        NodePool pool = pool(1);
        NodePool.Entry broken = pool.borrow();
        pool.discard(broken);
        assertThat(broken.connection().isClosed()).isTrue();
        NodePool.Entry next = pool.borrow();
        assertThat(next).isNotSameAs(broken);
        assertThat(pool.statistics().closed).isEqualTo(1);
        assertThat(pool.statistics().opened).isEqualTo(2);
    }

    @Test
    void evictingTheNode_closesIdleConnectionsNow_andBorrowedOnesWhenTheyComeBack() throws SQLException {
        NodePool pool = pool(2);
        NodePool.Entry idle = pool.borrow();
        NodePool.Entry busy = pool.borrow();
        pool.release(idle);
        pool.evictAll();
        assertThat(idle.connection().isClosed()).isTrue();
        assertThat(busy.connection().isClosed()).isFalse();
        pool.release(busy);
        assertThat(busy.connection().isClosed()).isTrue();
        NodePool.Entry fresh = pool.borrow();
        assertThat(fresh).isNotSameAs(idle).isNotSameAs(busy);
    }

    @Test
    void aConnectionPastItsLifetime_isClosedWhenReturned_andOneIdleTooLongByTheKeeper() throws Exception {
        NodePool aged = pool(2, 200, 0, 1, 60_000, 0);
        NodePool.Entry entry = aged.borrow();
        Thread.sleep(5);
        aged.release(entry);
        assertThat(entry.connection().isClosed()).isTrue();

        NodePool idling = pool(2, 200, 1, 0, 60_000, 0);
        NodePool.Entry idle = idling.borrow();
        idling.release(idle);
        Thread.sleep(5);
        idling.houseKeep(System.nanoTime());
        assertThat(idle.connection().isClosed()).isTrue();
        assertThat(idling.statistics().idle).isZero();
    }

    @Test
    void aConnectionIdleLongerThanTheThreshold_isValidatedBeforeUse_andReplacedWhenBroken() throws Exception {
        NodePool pool = pool(1, 200, 0, 0, 1, 0);
        NodePool.Entry entry = pool.borrow();
        pool.release(entry);
        entry.connection().close(); // broken while idle (the recording connection is then not valid)
        Thread.sleep(5);
        NodePool.Entry next = pool.borrow();
        assertThat(next).isNotSameAs(entry);
        assertThat(next.connection().isClosed()).isFalse();
    }

    @Test
    void aConnectionHeldTooLong_isLoggedOnce_withWhereItWasTaken() throws Exception {
        NodePool pool = pool(1, 200, 0, 0, 60_000, 1);
        try (LogCapture log = LogCapture.of("io.replicatedjdbc.pool")) {
            pool.borrow();
            Thread.sleep(5);
            pool.houseKeep(System.nanoTime());
            pool.houseKeep(System.nanoTime());
            assertThat(log.messages(Level.WARNING)).hasSize(1);
            assertThat(log.messages(Level.WARNING).get(0))
                    .contains("node1 (host:5432)")
                    .contains("poolLeakThreshold");
            Throwable where = log.records().get(0).getThrown();
            assertThat(where).isNotNull();
            assertThat(where.getStackTrace())
                    .anySatisfy(frame -> assertThat(frame.getMethodName())
                            .isEqualTo("aConnectionHeldTooLong_isLoggedOnce_withWhereItWasTaken"));
        }
    }

    @Test
    void aClosedPool_lendsNothing_andClosesWhatComesBack() throws SQLException {
        NodePool pool = pool(2);
        NodePool.Entry busy = pool.borrow();
        NodePool.Entry idle = pool.borrow();
        pool.release(idle);
        pool.close();
        assertThat(idle.connection().isClosed()).isTrue();
        assertThatThrownBy(pool::borrow)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("closed");
        pool.release(busy);
        assertThat(busy.connection().isClosed()).isTrue();
    }

    @Test
    void statistics_countWaitsAndConnections() throws SQLException {
        NodePool pool = pool(2);
        Connection ignored = pool.borrow().connection();
        PoolStatistics statistics = pool.statistics();
        assertThat(statistics.size).isEqualTo(2);
        assertThat(statistics.active).isEqualTo(1);
        assertThat(statistics.opened).isEqualTo(1);
        assertThat(statistics.waitMaxNanos)
                .isGreaterThanOrEqualTo(statistics.waitP99Nanos)
                .isGreaterThanOrEqualTo(statistics.waitP50Nanos);
        assertThat(statistics.toString()).contains("pool 2: 1 active, 0 idle, 0 waiting, 1 opened, 0 closed");
        assertThat(ignored).isNotNull();
    }

    @Test
    void manyThreads_neverShareAConnection_norOpenMoreThanTheSize_andNoneWaitsForever() throws Exception {
        NodePool pool = pool(3, 10_000, 0, 0, 60_000, 0);
        Map<NodePool.Entry, AtomicBoolean> owners = new ConcurrentHashMap<>();
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[16];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        NodePool.Entry entry = pool.borrow();
                        if (!owners.computeIfAbsent(entry, e -> new AtomicBoolean())
                                .compareAndSet(false, true)) {
                            throw new AssertionError("one connection lent to two borrowers at once");
                        }
                        most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                        Thread.onSpinWait();
                        inUse.decrementAndGet();
                        owners.get(entry).set(false);
                        pool.release(entry);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(most.get()).isLessThanOrEqualTo(3);
        assertThat(opened.get()).isLessThanOrEqualTo(3);
        PoolStatistics statistics = pool.statistics();
        assertThat(statistics.active).isZero();
        assertThat(statistics.idle).isEqualTo(opened.get());
        assertThat(statistics.waiting).isZero();
    }
}
