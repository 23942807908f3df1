package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.execute.Physical;
import io.replicatedjdbc.internal.execute.PhysicalCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.sql.SQLException;
import org.postgresql.copy.CopyDual;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOperation;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.ByteStreamWriter;

/**
 * PgJDBC's COPY API on a logical connection. Each COPY runs where its SQL would run as a statement:
 * {@code COPY ... FROM STDIN} on the primary, counted as a write for read-your-writes; {@code COPY table TO STDOUT}
 * and {@code COPY (read) TO STDOUT} on a replica, under the same rules as a SELECT. A COPY that already streamed
 * output to the application is never run again elsewhere. Loaded only when PgJDBC is present.
 */
final class PgCopyManager extends CopyManager {

    private final PgLogicalConnection connection;

    /** {@code anyNode} only satisfies PgJDBC's constructor: every call picks its node when it runs. */
    PgCopyManager(PgLogicalConnection connection, BaseConnection anyNode) throws SQLException {
        super(anyNode);
        this.connection = connection;
    }

    /** One COPY, on the node its SQL is routed to; an IOException of the application's stream passes through. */
    private <T> T copy(String sql, CopyCall<T> call) throws SQLException, IOException {
        IoFailure failure = new IoFailure();
        try {
            return connection.runDriverCall(sql, connection.classify(sql), new PhysicalCall<T>() {
                @Override
                public T run(Physical physical) throws SQLException {
                    try {
                        T result = call.run(PgLogicalConnection.pg(physical).getCopyAPI(), failure);
                        if (result instanceof CopyOperation) {
                            // A COPY left open runs on this connection until it ends: kept until then.
                            CopyOperation operation = (CopyOperation) result;
                            connection.keepWhile(physical, operation::isActive);
                        }
                        return result;
                    } catch (IOException e) {
                        failure.cause = e;
                        throw failure;
                    }
                }

                @Override
                public boolean mayRunAgain() {
                    return !failure.outputStarted;
                }
            });
        } catch (SQLException e) {
            if (e == failure) {
                throw failure.cause;
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface CopyCall<T> {
        T run(CopyManager physical, IoFailure progress) throws SQLException, IOException;
    }

    /** Carries an IOException through the routing, and whether output already reached the application. */
    private static final class IoFailure extends SQLException {
        private static final long serialVersionUID = 1L;
        transient IOException cause;
        volatile boolean outputStarted;

        IoFailure() {
            super("I/O failure of the application's stream during COPY");
        }
    }

    private static void checkSql(String sql) throws SQLException {
        if (sql == null) {
            throw Errors.badArgument("COPY statement is null");
        }
    }

    private <T> T copyNoIo(String sql, CopyCall<T> call) throws SQLException {
        checkSql(sql);
        try {
            return copy(sql, call);
        } catch (IOException e) {
            throw new SQLException(e.getMessage(), "58030", e);
        }
    }

    @Override
    public CopyIn copyIn(String sql) throws SQLException {
        return copyNoIo(sql, (physical, progress) -> physical.copyIn(sql));
    }

    @Override
    public CopyOut copyOut(String sql) throws SQLException {
        return copyNoIo(sql, (physical, progress) -> physical.copyOut(sql));
    }

    @Override
    public CopyDual copyDual(String sql) throws SQLException {
        return copyNoIo(sql, (physical, progress) -> physical.copyDual(sql));
    }

    @Override
    public long copyOut(String sql, Writer to) throws SQLException, IOException {
        checkSql(sql);
        return copy(
                sql,
                (physical, progress) -> physical.copyOut(sql, new Writer() {
                    @Override
                    public void write(char[] buffer, int offset, int length) throws IOException {
                        progress.outputStarted = true;
                        to.write(buffer, offset, length);
                    }

                    @Override
                    public void write(String text) throws IOException {
                        progress.outputStarted = true;
                        to.write(text);
                    }

                    @Override
                    public void flush() throws IOException {
                        to.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        to.close();
                    }
                }));
    }

    @Override
    public long copyOut(String sql, OutputStream to) throws SQLException, IOException {
        checkSql(sql);
        return copy(
                sql,
                (physical, progress) -> physical.copyOut(sql, new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        progress.outputStarted = true;
                        to.write(b);
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) throws IOException {
                        progress.outputStarted = true;
                        to.write(buffer, offset, length);
                    }

                    @Override
                    public void flush() throws IOException {
                        to.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        to.close();
                    }
                }));
    }

    @Override
    public long copyIn(String sql, Reader from) throws SQLException, IOException {
        checkSql(sql);
        return copy(sql, (physical, progress) -> physical.copyIn(sql, from));
    }

    @Override
    public long copyIn(String sql, Reader from, int bufferSize) throws SQLException, IOException {
        checkSql(sql);
        return copy(sql, (physical, progress) -> physical.copyIn(sql, from, bufferSize));
    }

    @Override
    public long copyIn(String sql, InputStream from) throws SQLException, IOException {
        checkSql(sql);
        return copy(sql, (physical, progress) -> physical.copyIn(sql, from));
    }

    @Override
    public long copyIn(String sql, InputStream from, int bufferSize) throws SQLException, IOException {
        checkSql(sql);
        return copy(sql, (physical, progress) -> physical.copyIn(sql, from, bufferSize));
    }

    @Override
    public long copyIn(String sql, ByteStreamWriter from) throws SQLException, IOException {
        checkSql(sql);
        return copy(sql, (physical, progress) -> physical.copyIn(sql, from));
    }
}
