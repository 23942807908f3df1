package io.replicatedjdbc.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The position sampler over a scripted node: each question answers the next position (1, 2, ...), after whatever the
 * test makes it wait for. What is asserted is how many questions reached the node and which answer each read got.
 */
class PositionSamplerTest {

    private final NodeSpec replica;
    private final AtomicInteger questions = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    /** Each question waits on this one's turn: counted down by the test to let the question answer. */
    private volatile CountDownLatch release = new CountDownLatch(0);

    private final CountDownLatch firstQuestionSent = new CountDownLatch(1);
    private final List<Long> answered = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private PositionSampler sampler;

    PositionSamplerTest() throws SQLException {
        replica = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties())
                .replicas()
                .get(0);
    }

    @AfterEach
    void stop() {
        if (sampler != null) {
            sampler.close();
        }
        threads.shutdownNow();
    }

    private Connection node() {
        opened.incrementAndGet();
        ResultSet answer = (ResultSet) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ResultSet.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "next":
                            return true;
                        case "getString":
                            return WalPosition.format(questions.get());
                        default:
                            return null;
                    }
                });
        PreparedStatement statement = (PreparedStatement) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("executeQuery")) {
                        questions.incrementAndGet();
                        firstQuestionSent.countDown();
                        release.await();
                        return answer;
                    }
                    return null;
                });
        return (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "prepareStatement":
                            return statement;
                        case "close":
                            closed.incrementAndGet();
                            return null;
                        default:
                            return null;
                    }
                });
    }

    private PositionSampler sampler(PositionSampler.Opener opener) {
        sampler = PositionSampler.ofReplica(replica, opener, (node, sent, position) -> answered.add(position));
        return sampler;
    }

    @Test
    void readsWaitingWhenAQuestionIsSent_shareItsAnswer() throws Exception {
        PositionSampler positions = sampler(node -> node());
        release = new CountDownLatch(1);
        long committed = System.nanoTime();
        List<Future<Long>> reads = new ArrayList<>();
        CountDownLatch waiting = new CountDownLatch(16);
        for (int i = 0; i < 16; i++) {
            reads.add(threads.submit(() -> {
                waiting.countDown();
                return positions.after(committed, TimeUnit.SECONDS.toNanos(10));
            }));
        }
        waiting.await();
        assertThat(firstQuestionSent.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (Future<Long> read : reads) {
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        }
        assertThat(questions.get())
                .as("questions for 16 reads whose commits came before it")
                .isEqualTo(1);
        assertThat(answered).containsExactly(1L);
    }

    @Test
    void aReadWhoseCommitCameAfterTheQuestionWasSent_waitsForTheNextAnswer() throws Exception {
        PositionSampler positions = sampler(node -> node());
        release = new CountDownLatch(1);
        long early = System.nanoTime();
        Future<Long> before = threads.submit(() -> positions.after(early, TimeUnit.SECONDS.toNanos(10)));
        assertThat(firstQuestionSent.await(10, TimeUnit.SECONDS)).isTrue();
        long late = System.nanoTime(); // committed while the first question was on its way
        CountDownLatch lateWaiting = new CountDownLatch(1);
        Future<Long> after = threads.submit(() -> {
            lateWaiting.countDown();
            return positions.after(late, TimeUnit.SECONDS.toNanos(10));
        });
        lateWaiting.await();
        CountDownLatch first = release;
        release = new CountDownLatch(0);
        first.countDown();
        // (the first read may wake after the second answer came: a later position covers its commit too)
        assertThat(before.get(10, TimeUnit.SECONDS)).isIn(1L, 2L);
        assertThat(after.get(10, TimeUnit.SECONDS))
                .as("not the answer to a question sent before its commit")
                .isEqualTo(2L);
        assertThat(questions.get()).isEqualTo(2);
        // A read whose commit came before the last question needs no new one.
        assertThat(positions.after(late, TimeUnit.SECONDS.toNanos(10))).isEqualTo(2L);
        assertThat(questions.get()).isEqualTo(2);
    }

    @Test
    void aNodeThatCannotBeAsked_endsTheWaitWithNone_andIsNotAskedAgainAtOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        PositionSampler positions = sampler(node -> {
            attempts.incrementAndGet();
            throw new SQLException("Connection refused", "08001");
        });
        long start = System.nanoTime();
        assertThat(positions.after(System.nanoTime(), TimeUnit.SECONDS.toNanos(30)))
                .isEqualTo(WalPosition.NONE);
        assertThat(System.nanoTime() - start)
                .as("ended by the failure, not by the 30 s wait")
                .isLessThan(TimeUnit.SECONDS.toNanos(30));
        // Within the retry interval, a read is told at once, and the node is not tried again.
        assertThat(positions.after(System.nanoTime(), TimeUnit.SECONDS.toNanos(30)))
                .isEqualTo(WalPosition.NONE);
        assertThat(attempts.get()).isEqualTo(1);
    }

    @Test
    void withoutReadsWaiting_nothingIsAsked_andTheThreadEnds_closingItsConnection() throws Exception {
        PositionSampler positions = sampler(node -> node());
        assertThat(positions.after(System.nanoTime(), TimeUnit.SECONDS.toNanos(10)))
                .isEqualTo(1L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (positions.running() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(positions.running()).isFalse();
        assertThat(questions.get()).as("no question without a read waiting").isEqualTo(1);
        assertThat(closed.get()).isEqualTo(opened.get()).isEqualTo(1);
        // The next read starts it again, on a new connection.
        assertThat(positions.after(System.nanoTime(), TimeUnit.SECONDS.toNanos(10)))
                .isEqualTo(2L);
        assertThat(opened.get()).isEqualTo(2);
    }

    @Test
    void anInterruptedRead_stopsWaiting_withTheInterrupt() throws Exception {
        PositionSampler positions = sampler(node -> node());
        release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                positions.after(System.nanoTime(), TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        reader.start();
        assertThat(firstQuestionSent.await(10, TimeUnit.SECONDS)).isTrue();
        reader.interrupt();
        reader.join(10_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(interrupted).isTrue();
        release.countDown();
    }

    @Test
    void aClosedSampler_answersNoneAtOnce() throws Exception {
        PositionSampler positions = sampler(node -> node());
        positions.close();
        assertThat(positions.after(System.nanoTime(), TimeUnit.SECONDS.toNanos(30)))
                .isEqualTo(WalPosition.NONE);
        assertThat(questions.get()).isZero();
        assertThat(opened.get()).isZero();
    }
}
