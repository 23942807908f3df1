package io.replicatedjdbc.internal.classify;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.Statements;

/**
 * Runs JSqlParser with a time limit. Its cost explodes on some inputs, so a parse that takes longer than
 * {@link #TIME_LIMIT_MILLIS} is abandoned (the parser is told to stop) and the statement is left to the token
 * scan, which is linear. Parses run on a few daemon threads; this only happens for statement shapes not yet in
 * the classification cache.
 */
final class ParserGuard {

    static final long TIME_LIMIT_MILLIS = 50;

    /**
     * Parses that may run at once. Past that, a statement is not parsed at all and the token scan decides alone (it
     * already did, failing closed): no application thread ever runs a parse, whose cost has no bound.
     */
    private static final int THREADS = 4;

    private static final ExecutorService PARSERS = new ThreadPoolExecutor(
            0,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new DaemonThreads(),
            new ThreadPoolExecutor.AbortPolicy());

    private ParserGuard() {}

    /** The parsed statements, or null when JSqlParser cannot parse them within the time limit. */
    static Statements parse(String sql, boolean squareBracketQuotes) {
        CCJSqlParser parser = new CCJSqlParser(new StringProvider(sql))
                .withAllowComplexParsing(false)
                .withSquareBracketQuotation(squareBracketQuotes)
                .withBackslashEscapeCharacter(false);
        Future<Statements> result;
        try {
            result = PARSERS.submit(parser::Statements);
        } catch (RejectedExecutionException busy) {
            return null;
        }
        try {
            return result.get(TIME_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            parser.interrupted = true;
            result.cancel(true);
            return null;
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "replicated-jdbc-sql-parser-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
