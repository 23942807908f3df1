package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.execute.Physical;
import io.replicatedjdbc.internal.execute.PhysicalCall;
import io.replicatedjdbc.internal.execute.SqlFunction;
import io.replicatedjdbc.internal.session.SessionAction;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * A logical prepared statement. Parameters are recorded here and applied to the physical statement of
 * whichever node an execution is routed to, so a statement prepared before a write and executed after it
 * is prepared again on the primary with the same parameters. Only parameters set since the physical statement
 * last ran are applied again. A stream or reader parameter can be read only once: when an execution moves to
 * another node after the stream was sent, the execution fails with SQLState 0A000 asking for the parameter to be
 * set again, rather than sending an exhausted stream.
 */
class PreparedStatementProxy extends StatementProxy implements PreparedStatement {

    /** One recorded {@code setXxx} call. */
    @FunctionalInterface
    interface Parameter {
        void applyTo(PreparedStatement statement) throws SQLException;
    }

    /** A stream or reader parameter: it can be handed to a driver once. */
    private static final class OneShot implements Parameter {
        private final int index;
        private final Parameter delegate;
        private boolean sent;

        OneShot(int index, Parameter delegate) {
            this.index = index;
            this.delegate = delegate;
        }

        @Override
        public void applyTo(PreparedStatement statement) throws SQLException {
            if (sent) {
                throw Errors.streamAlreadySent(index);
            }
            sent = true;
            delegate.applyTo(statement);
        }
    }

    /** A recorded parameter and the version at which it was set. */
    private static final class Entry {
        Parameter parameter;
        long version;

        Entry(Parameter parameter, long version) {
            this.parameter = parameter;
            this.version = version;
        }
    }

    final String sql;
    private final Classification classification;
    private final List<Entry> parameters = new ArrayList<>();
    private long parametersVersion;
    private final List<Parameter[]> batches = new ArrayList<>();

    PreparedStatementProxy(
            LogicalConnection connection, String sql, SqlFunction<Connection, ? extends PreparedStatement> creator) {
        this(connection, sql, connection.classify(sql), creator);
    }

    PreparedStatementProxy(
            LogicalConnection connection,
            String sql,
            Classification classification,
            SqlFunction<Connection, ? extends PreparedStatement> creator) {
        super(connection, creator);
        this.sql = sql;
        this.classification = classification;
    }

    final void parameter(int index, Parameter parameter) throws SQLException {
        checkOpen();
        if (index < 1) {
            throw connection.asNodeDriverError(
                    Errors.badArgument("Parameter index out of range: " + index + " (parameters are numbered from 1)"));
        }
        // Written through to the physical statement in use, so that its driver checks the value now (PgJDBC checks
        // the index and conversions at the setter). A stream is only recorded: it can be read once, by the node that
        // runs the statement.
        Held target = parameter instanceof OneShot ? null : liveCurrent();
        boolean targetWasCurrent = target != null && target.parametersVersion == parametersVersion;
        if (target != null) {
            try {
                parameter.applyTo((PreparedStatement) target.statement);
            } catch (SQLException e) {
                if (!target.statement.isClosed()) {
                    throw e;
                }
                // Its connection went away meanwhile: the parameter is recorded, and applied where the statement runs.
                targetWasCurrent = false;
            }
        }
        while (parameters.size() < index) {
            parameters.add(null);
        }
        parametersVersion++;
        if (targetWasCurrent) {
            target.parametersVersion = parametersVersion;
        }
        Entry entry = parameters.get(index - 1);
        if (entry == null) {
            parameters.set(index - 1, new Entry(parameter, parametersVersion));
        } else {
            // reused: setting parameters is the hot path of a prepared statement
            entry.parameter = parameter;
            entry.version = parametersVersion;
        }
    }

    /** Made before any parameter was set, a physical statement is as current as the logical one. */
    @Override
    long parametersVersionOfANewStatement() {
        return parameters.isEmpty() ? parametersVersion : -1;
    }

    /** Records a stream or reader parameter, which can be sent once. */
    final void stream(int index, Parameter parameter) throws SQLException {
        parameter(index, new OneShot(index, parameter));
    }

    /** The physical prepared statement for this connection, with the current parameters applied. */
    final PreparedStatement prepared(Physical physical) throws SQLException {
        Held held = held(physical);
        PreparedStatement statement = (PreparedStatement) held.statement;
        if (held.parametersVersion != parametersVersion) {
            for (int i = 0, n = parameters.size(); i < n; i++) {
                Entry entry = parameters.get(i);
                if (entry != null && entry.version > held.parametersVersion) {
                    entry.parameter.applyTo(statement);
                }
            }
            held.parametersVersion = parametersVersion;
        }
        return statement;
    }

    /**
     * The wrapped driver's rendering (PgJDBC shows the SQL with its parameters inlined, which logs rely on), from the
     * physical statement that ran last, or else one made on the open session node. A stream parameter not yet sent is
     * never read for it: the SQL as written is shown then.
     */
    @Override
    public String toString() {
        try {
            Held held = currentHeld();
            Physical physical = held != null ? held.physical : connection.sessionNodeIfOpen();
            if (physical == null || isClosed()) {
                return sql;
            }
            long applied = held != null && held.physical == physical ? held.parametersVersion : -1;
            for (Entry entry : parameters) {
                if (entry != null && entry.version > applied && entry.parameter instanceof OneShot) {
                    return sql;
                }
            }
            return prepared(physical).toString();
        } catch (SQLException | RuntimeException e) {
            return sql;
        }
    }

    private Parameter[] snapshot() {
        Parameter[] snapshot = new Parameter[parameters.size()];
        for (int i = 0; i < snapshot.length; i++) {
            Entry entry = parameters.get(i);
            snapshot[i] = entry == null ? null : entry.parameter;
        }
        return snapshot;
    }

    private static void applyAll(PreparedStatement statement, Parameter[] parameters) throws SQLException {
        for (Parameter parameter : parameters) {
            if (parameter != null) {
                parameter.applyTo(statement);
            }
        }
    }

    @Override
    public SessionAction replayAction(String ignored) {
        Parameter[] snapshot = snapshot();
        return physicalConnection -> {
            try (PreparedStatement statement = physicalConnection.prepareStatement(sql)) {
                applyAll(statement, snapshot);
                statement.execute();
            }
        };
    }

    @Override
    boolean defaultPoolable() {
        return true;
    }

    // ---------------------------------------------------------------- execution

    @Override
    public ResultSet executeQuery() throws SQLException {
        return wrap(route(sql, classification, executeQuery));
    }

    /** The physical calls of the plain executions, made once per statement rather than once per execution. */
    private final PhysicalCall<ResultSet> executeQuery = p -> prepared(p).executeQuery();

    private final PhysicalCall<Integer> executeUpdate = p -> prepared(p).executeUpdate();

    @Override
    public int executeUpdate() throws SQLException {
        return route(sql, classification, executeUpdate);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return route(sql, classification, p -> prepared(p).executeLargeUpdate());
    }

    @Override
    public boolean execute() throws SQLException {
        return route(sql, classification, p -> prepared(p).execute());
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        parameters.clear();
        parametersVersion++;
        // The physical statements forget theirs too, so a parameter not set again is missing, as with the driver.
        for (Held held : helds()) {
            ((PreparedStatement) held.statement).clearParameters();
            held.parametersVersion = parametersVersion;
        }
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        batches.add(snapshot());
    }

    @Override
    public void clearBatch() throws SQLException {
        super.clearBatch();
        batches.clear();
    }

    @Override
    Statement fillBatch(Physical physical) throws SQLException {
        Held held = held(physical);
        PreparedStatement statement = (PreparedStatement) held.statement;
        List<Parameter[]> entries = new ArrayList<>(batches);
        batches.clear();
        held.parametersVersion = -1;
        for (Parameter[] entry : entries) {
            applyAll(statement, entry);
            statement.addBatch();
        }
        return statement;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return describing().getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        return describing().getParameterMetaData();
    }

    /** The physical statement that ran last, or the one an execution would use now. */
    private PreparedStatement describing() throws SQLException {
        Held live = liveCurrent();
        if (live != null) {
            return prepared(live.physical);
        }
        return prepared(connection.resolve(classification));
    }

    // The query-string methods of Statement are not for prepared statements (JDBC).

    private SQLException queryStringNotAllowed(String method) {
        // 42809 (wrong object type), as PgJDBC answers.
        return connection.asNodeDriverError(new SQLException(
                "Can't use query methods that take a query string on a" + " PreparedStatement (" + method
                        + "(String)): use " + method + "()",
                "42809"));
    }

    Classification classification() {
        return classification;
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw queryStringNotAllowed("executeQuery");
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw queryStringNotAllowed("executeUpdate");
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw queryStringNotAllowed("execute");
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        throw queryStringNotAllowed("executeLargeUpdate");
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw queryStringNotAllowed("executeUpdate");
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw queryStringNotAllowed("executeUpdate");
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        throw queryStringNotAllowed("executeUpdate");
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw queryStringNotAllowed("executeLargeUpdate");
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw queryStringNotAllowed("executeLargeUpdate");
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        throw queryStringNotAllowed("executeLargeUpdate");
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        throw queryStringNotAllowed("execute");
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        throw queryStringNotAllowed("execute");
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        throw queryStringNotAllowed("execute");
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw queryStringNotAllowed("addBatch");
    }

    // ---------------------------------------------------------------- parameters: recorded, applied on execution

    @Override
    public void setArray(int index, Array value) throws SQLException {
        parameter(index, ps -> ps.setArray(index, value));
    }

    @Override
    public void setAsciiStream(int index, InputStream value, int length) throws SQLException {
        stream(index, ps -> ps.setAsciiStream(index, value, length));
    }

    @Override
    public void setAsciiStream(int index, InputStream value, long length) throws SQLException {
        stream(index, ps -> ps.setAsciiStream(index, value, length));
    }

    @Override
    public void setAsciiStream(int index, InputStream value) throws SQLException {
        stream(index, ps -> ps.setAsciiStream(index, value));
    }

    @Override
    public void setBigDecimal(int index, BigDecimal value) throws SQLException {
        parameter(index, ps -> ps.setBigDecimal(index, value));
    }

    @Override
    public void setBinaryStream(int index, InputStream value, int length) throws SQLException {
        stream(index, ps -> ps.setBinaryStream(index, value, length));
    }

    @Override
    public void setBinaryStream(int index, InputStream value, long length) throws SQLException {
        stream(index, ps -> ps.setBinaryStream(index, value, length));
    }

    @Override
    public void setBinaryStream(int index, InputStream value) throws SQLException {
        stream(index, ps -> ps.setBinaryStream(index, value));
    }

    @Override
    public void setBlob(int index, InputStream value, long length) throws SQLException {
        stream(index, ps -> ps.setBlob(index, value, length));
    }

    @Override
    public void setBlob(int index, InputStream value) throws SQLException {
        stream(index, ps -> ps.setBlob(index, value));
    }

    @Override
    public void setBlob(int index, Blob value) throws SQLException {
        parameter(index, ps -> ps.setBlob(index, value));
    }

    @Override
    public void setBoolean(int index, boolean value) throws SQLException {
        parameter(index, ps -> ps.setBoolean(index, value));
    }

    @Override
    public void setByte(int index, byte value) throws SQLException {
        parameter(index, ps -> ps.setByte(index, value));
    }

    @Override
    public void setBytes(int index, byte[] value) throws SQLException {
        // Recorded for a re-prepare on another node: a copy, so a buffer the caller reuses (across addBatch, say)
        // cannot change a value already set, as it cannot with the wrapped driver.
        byte[] copy = value == null ? null : value.clone();
        parameter(index, ps -> ps.setBytes(index, copy));
    }

    @Override
    public void setCharacterStream(int index, Reader value, int length) throws SQLException {
        stream(index, ps -> ps.setCharacterStream(index, value, length));
    }

    @Override
    public void setCharacterStream(int index, Reader value, long length) throws SQLException {
        stream(index, ps -> ps.setCharacterStream(index, value, length));
    }

    @Override
    public void setCharacterStream(int index, Reader value) throws SQLException {
        stream(index, ps -> ps.setCharacterStream(index, value));
    }

    @Override
    public void setClob(int index, Reader value, long length) throws SQLException {
        stream(index, ps -> ps.setClob(index, value, length));
    }

    @Override
    public void setClob(int index, Reader value) throws SQLException {
        stream(index, ps -> ps.setClob(index, value));
    }

    @Override
    public void setClob(int index, Clob value) throws SQLException {
        parameter(index, ps -> ps.setClob(index, value));
    }

    @Override
    public void setDate(int index, Date value, Calendar calendar) throws SQLException {
        parameter(index, ps -> ps.setDate(index, value, calendar));
    }

    @Override
    public void setDate(int index, Date value) throws SQLException {
        parameter(index, ps -> ps.setDate(index, value));
    }

    @Override
    public void setDouble(int index, double value) throws SQLException {
        parameter(index, ps -> ps.setDouble(index, value));
    }

    @Override
    public void setFloat(int index, float value) throws SQLException {
        parameter(index, ps -> ps.setFloat(index, value));
    }

    @Override
    public void setInt(int index, int value) throws SQLException {
        parameter(index, ps -> ps.setInt(index, value));
    }

    @Override
    public void setLong(int index, long value) throws SQLException {
        parameter(index, ps -> ps.setLong(index, value));
    }

    @Override
    public void setNCharacterStream(int index, Reader value, long length) throws SQLException {
        stream(index, ps -> ps.setNCharacterStream(index, value, length));
    }

    @Override
    public void setNCharacterStream(int index, Reader value) throws SQLException {
        stream(index, ps -> ps.setNCharacterStream(index, value));
    }

    @Override
    public void setNClob(int index, Reader value, long length) throws SQLException {
        stream(index, ps -> ps.setNClob(index, value, length));
    }

    @Override
    public void setNClob(int index, Reader value) throws SQLException {
        stream(index, ps -> ps.setNClob(index, value));
    }

    @Override
    public void setNClob(int index, NClob value) throws SQLException {
        parameter(index, ps -> ps.setNClob(index, value));
    }

    @Override
    public void setNString(int index, String value) throws SQLException {
        parameter(index, ps -> ps.setNString(index, value));
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        parameter(index, ps -> ps.setNull(index, sqlType, typeName));
    }

    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        parameter(index, ps -> ps.setNull(index, sqlType));
    }

    @Override
    public void setObject(int index, Object value, int targetSqlType, int scaleOrLength) throws SQLException {
        parameter(index, ps -> ps.setObject(index, value, targetSqlType, scaleOrLength));
    }

    @Override
    public void setObject(int index, Object value, int targetSqlType) throws SQLException {
        parameter(index, ps -> ps.setObject(index, value, targetSqlType));
    }

    @Override
    public void setObject(int index, Object value, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        parameter(index, ps -> ps.setObject(index, value, targetSqlType, scaleOrLength));
    }

    @Override
    public void setObject(int index, Object value, SQLType targetSqlType) throws SQLException {
        parameter(index, ps -> ps.setObject(index, value, targetSqlType));
    }

    @Override
    public void setObject(int index, Object value) throws SQLException {
        parameter(index, ps -> ps.setObject(index, value));
    }

    @Override
    public void setRef(int index, Ref value) throws SQLException {
        parameter(index, ps -> ps.setRef(index, value));
    }

    @Override
    public void setRowId(int index, RowId value) throws SQLException {
        parameter(index, ps -> ps.setRowId(index, value));
    }

    @Override
    public void setSQLXML(int index, SQLXML value) throws SQLException {
        parameter(index, ps -> ps.setSQLXML(index, value));
    }

    @Override
    public void setShort(int index, short value) throws SQLException {
        parameter(index, ps -> ps.setShort(index, value));
    }

    @Override
    public void setString(int index, String value) throws SQLException {
        parameter(index, ps -> ps.setString(index, value));
    }

    @Override
    public void setTime(int index, Time value, Calendar calendar) throws SQLException {
        parameter(index, ps -> ps.setTime(index, value, calendar));
    }

    @Override
    public void setTime(int index, Time value) throws SQLException {
        parameter(index, ps -> ps.setTime(index, value));
    }

    @Override
    public void setTimestamp(int index, Timestamp value, Calendar calendar) throws SQLException {
        parameter(index, ps -> ps.setTimestamp(index, value, calendar));
    }

    @Override
    public void setTimestamp(int index, Timestamp value) throws SQLException {
        parameter(index, ps -> ps.setTimestamp(index, value));
    }

    @Override
    public void setURL(int index, URL value) throws SQLException {
        parameter(index, ps -> ps.setURL(index, value));
    }

    @Override
    public void setUnicodeStream(int index, InputStream value, int length) throws SQLException {
        stream(index, ps -> ps.setUnicodeStream(index, value, length));
    }
}
