package io.replicatedjdbc.internal.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A result set of a physical statement, shown to the application with the logical statement as its
 * {@link #getStatement()}. Every other method is a one-frame delegate.
 */
final class ResultSetProxy implements ResultSet {

    private final ResultSet delegate;
    private final StatementProxy owner;

    ResultSetProxy(ResultSet delegate, StatementProxy owner) {
        this.delegate = delegate;
        this.owner = owner;
    }

    /** The physical result set this proxy shows. */
    ResultSet delegate() {
        return delegate;
    }

    /** The logical statement; null for result sets made by {@code DatabaseMetaData}, as JDBC allows. */
    @Override
    public Statement getStatement() throws SQLException {
        return owner;
    }

    /** Closed through this proxy (the routing asks this, not the physical result set, on every statement). */
    private volatile boolean closedHere;

    /** Whether the application closed it through this proxy; a result set closed otherwise goes with its statement. */
    boolean closedHere() {
        return closedHere;
    }

    @Override
    public void close() throws SQLException {
        closedHere = true;
        delegate.close();
        if (owner != null) {
            owner.resultSetClosed(this);
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public boolean absolute(int value) throws SQLException {
        return delegate.absolute(value);
    }

    @Override
    public void afterLast() throws SQLException {
        delegate.afterLast();
    }

    @Override
    public void beforeFirst() throws SQLException {
        delegate.beforeFirst();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        delegate.cancelRowUpdates();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void deleteRow() throws SQLException {
        delegate.deleteRow();
        wrote("deleteRow()");
    }

    /** A row change through an updatable result set is a write the router did not route: it counts as one. */
    private void wrote(String what) throws SQLException {
        if (owner != null) {
            owner.connection.wroteDirectly(what);
        }
    }

    @Override
    public int findColumn(String value) throws SQLException {
        return delegate.findColumn(value);
    }

    @Override
    public boolean first() throws SQLException {
        return delegate.first();
    }

    @Override
    public Array getArray(String label) throws SQLException {
        return delegate.getArray(label);
    }

    @Override
    public Array getArray(int index) throws SQLException {
        return delegate.getArray(index);
    }

    @Override
    public InputStream getAsciiStream(String label) throws SQLException {
        return delegate.getAsciiStream(label);
    }

    @Override
    public InputStream getAsciiStream(int index) throws SQLException {
        return delegate.getAsciiStream(index);
    }

    @Override
    public BigDecimal getBigDecimal(String label, int arg1) throws SQLException {
        return delegate.getBigDecimal(label, arg1);
    }

    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException {
        return delegate.getBigDecimal(label);
    }

    @Override
    public BigDecimal getBigDecimal(int index, int arg1) throws SQLException {
        return delegate.getBigDecimal(index, arg1);
    }

    @Override
    public BigDecimal getBigDecimal(int index) throws SQLException {
        return delegate.getBigDecimal(index);
    }

    @Override
    public InputStream getBinaryStream(String label) throws SQLException {
        return delegate.getBinaryStream(label);
    }

    @Override
    public InputStream getBinaryStream(int index) throws SQLException {
        return delegate.getBinaryStream(index);
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        return delegate.getBlob(label);
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        return delegate.getBlob(index);
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return delegate.getBoolean(label);
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return delegate.getBoolean(index);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return delegate.getByte(label);
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return delegate.getByte(index);
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        return delegate.getBytes(label);
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        return delegate.getBytes(index);
    }

    @Override
    public Reader getCharacterStream(String label) throws SQLException {
        return delegate.getCharacterStream(label);
    }

    @Override
    public Reader getCharacterStream(int index) throws SQLException {
        return delegate.getCharacterStream(index);
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        return delegate.getClob(label);
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        return delegate.getClob(index);
    }

    @Override
    public int getConcurrency() throws SQLException {
        return delegate.getConcurrency();
    }

    @Override
    public String getCursorName() throws SQLException {
        return delegate.getCursorName();
    }

    @Override
    public Date getDate(String label, Calendar arg1) throws SQLException {
        return delegate.getDate(label, arg1);
    }

    @Override
    public Date getDate(String label) throws SQLException {
        return delegate.getDate(label);
    }

    @Override
    public Date getDate(int index, Calendar arg1) throws SQLException {
        return delegate.getDate(index, arg1);
    }

    @Override
    public Date getDate(int index) throws SQLException {
        return delegate.getDate(index);
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return delegate.getDouble(label);
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return delegate.getDouble(index);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return delegate.getFloat(label);
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return delegate.getFloat(index);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate.getHoldability();
    }

    @Override
    public int getInt(String label) throws SQLException {
        return delegate.getInt(label);
    }

    @Override
    public int getInt(int index) throws SQLException {
        return delegate.getInt(index);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return delegate.getLong(label);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return delegate.getLong(index);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public Reader getNCharacterStream(String label) throws SQLException {
        return delegate.getNCharacterStream(label);
    }

    @Override
    public Reader getNCharacterStream(int index) throws SQLException {
        return delegate.getNCharacterStream(index);
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        return delegate.getNClob(label);
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        return delegate.getNClob(index);
    }

    @Override
    public String getNString(String label) throws SQLException {
        return delegate.getNString(label);
    }

    @Override
    public String getNString(int index) throws SQLException {
        return delegate.getNString(index);
    }

    @Override
    public <T> T getObject(String label, Class<T> arg1) throws SQLException {
        return delegate.getObject(label, arg1);
    }

    @Override
    public Object getObject(String label, Map<String, Class<?>> arg1) throws SQLException {
        return delegate.getObject(label, arg1);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return delegate.getObject(label);
    }

    @Override
    public <T> T getObject(int index, Class<T> arg1) throws SQLException {
        return delegate.getObject(index, arg1);
    }

    @Override
    public Object getObject(int index, Map<String, Class<?>> arg1) throws SQLException {
        return delegate.getObject(index, arg1);
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return delegate.getObject(index);
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        return delegate.getRef(label);
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        return delegate.getRef(index);
    }

    @Override
    public int getRow() throws SQLException {
        return delegate.getRow();
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        return delegate.getRowId(label);
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        return delegate.getRowId(index);
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        return delegate.getSQLXML(label);
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        return delegate.getSQLXML(index);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return delegate.getShort(label);
    }

    @Override
    public short getShort(int index) throws SQLException {
        return delegate.getShort(index);
    }

    @Override
    public String getString(String label) throws SQLException {
        return delegate.getString(label);
    }

    @Override
    public String getString(int index) throws SQLException {
        return delegate.getString(index);
    }

    @Override
    public Time getTime(String label, Calendar arg1) throws SQLException {
        return delegate.getTime(label, arg1);
    }

    @Override
    public Time getTime(String label) throws SQLException {
        return delegate.getTime(label);
    }

    @Override
    public Time getTime(int index, Calendar arg1) throws SQLException {
        return delegate.getTime(index, arg1);
    }

    @Override
    public Time getTime(int index) throws SQLException {
        return delegate.getTime(index);
    }

    @Override
    public Timestamp getTimestamp(String label, Calendar arg1) throws SQLException {
        return delegate.getTimestamp(label, arg1);
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        return delegate.getTimestamp(label);
    }

    @Override
    public Timestamp getTimestamp(int index, Calendar arg1) throws SQLException {
        return delegate.getTimestamp(index, arg1);
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        return delegate.getTimestamp(index);
    }

    @Override
    public int getType() throws SQLException {
        return delegate.getType();
    }

    @Override
    public URL getURL(String label) throws SQLException {
        return delegate.getURL(label);
    }

    @Override
    public URL getURL(int index) throws SQLException {
        return delegate.getURL(index);
    }

    @Override
    public InputStream getUnicodeStream(String label) throws SQLException {
        return delegate.getUnicodeStream(label);
    }

    @Override
    public InputStream getUnicodeStream(int index) throws SQLException {
        return delegate.getUnicodeStream(index);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void insertRow() throws SQLException {
        delegate.insertRow();
        wrote("insertRow()");
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        return delegate.isAfterLast();
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        return delegate.isBeforeFirst();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public boolean isFirst() throws SQLException {
        return delegate.isFirst();
    }

    @Override
    public boolean isLast() throws SQLException {
        return delegate.isLast();
    }

    @Override
    public boolean last() throws SQLException {
        return delegate.last();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        delegate.moveToCurrentRow();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        delegate.moveToInsertRow();
    }

    @Override
    public boolean next() throws SQLException {
        return delegate.next();
    }

    @Override
    public boolean previous() throws SQLException {
        return delegate.previous();
    }

    @Override
    public void refreshRow() throws SQLException {
        delegate.refreshRow();
    }

    @Override
    public boolean relative(int value) throws SQLException {
        return delegate.relative(value);
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        return delegate.rowDeleted();
    }

    @Override
    public boolean rowInserted() throws SQLException {
        return delegate.rowInserted();
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        return delegate.rowUpdated();
    }

    @Override
    public void setFetchDirection(int value) throws SQLException {
        delegate.setFetchDirection(value);
    }

    @Override
    public void setFetchSize(int value) throws SQLException {
        delegate.setFetchSize(value);
    }

    @Override
    public void updateArray(String label, Array arg1) throws SQLException {
        delegate.updateArray(label, arg1);
    }

    @Override
    public void updateArray(int index, Array arg1) throws SQLException {
        delegate.updateArray(index, arg1);
    }

    @Override
    public void updateAsciiStream(String label, InputStream arg1, int arg2) throws SQLException {
        delegate.updateAsciiStream(label, arg1, arg2);
    }

    @Override
    public void updateAsciiStream(String label, InputStream arg1, long arg2) throws SQLException {
        delegate.updateAsciiStream(label, arg1, arg2);
    }

    @Override
    public void updateAsciiStream(String label, InputStream arg1) throws SQLException {
        delegate.updateAsciiStream(label, arg1);
    }

    @Override
    public void updateAsciiStream(int index, InputStream arg1, int arg2) throws SQLException {
        delegate.updateAsciiStream(index, arg1, arg2);
    }

    @Override
    public void updateAsciiStream(int index, InputStream arg1, long arg2) throws SQLException {
        delegate.updateAsciiStream(index, arg1, arg2);
    }

    @Override
    public void updateAsciiStream(int index, InputStream arg1) throws SQLException {
        delegate.updateAsciiStream(index, arg1);
    }

    @Override
    public void updateBigDecimal(String label, BigDecimal arg1) throws SQLException {
        delegate.updateBigDecimal(label, arg1);
    }

    @Override
    public void updateBigDecimal(int index, BigDecimal arg1) throws SQLException {
        delegate.updateBigDecimal(index, arg1);
    }

    @Override
    public void updateBinaryStream(String label, InputStream arg1, int arg2) throws SQLException {
        delegate.updateBinaryStream(label, arg1, arg2);
    }

    @Override
    public void updateBinaryStream(String label, InputStream arg1, long arg2) throws SQLException {
        delegate.updateBinaryStream(label, arg1, arg2);
    }

    @Override
    public void updateBinaryStream(String label, InputStream arg1) throws SQLException {
        delegate.updateBinaryStream(label, arg1);
    }

    @Override
    public void updateBinaryStream(int index, InputStream arg1, int arg2) throws SQLException {
        delegate.updateBinaryStream(index, arg1, arg2);
    }

    @Override
    public void updateBinaryStream(int index, InputStream arg1, long arg2) throws SQLException {
        delegate.updateBinaryStream(index, arg1, arg2);
    }

    @Override
    public void updateBinaryStream(int index, InputStream arg1) throws SQLException {
        delegate.updateBinaryStream(index, arg1);
    }

    @Override
    public void updateBlob(String label, InputStream arg1, long arg2) throws SQLException {
        delegate.updateBlob(label, arg1, arg2);
    }

    @Override
    public void updateBlob(String label, InputStream arg1) throws SQLException {
        delegate.updateBlob(label, arg1);
    }

    @Override
    public void updateBlob(String label, Blob arg1) throws SQLException {
        delegate.updateBlob(label, arg1);
    }

    @Override
    public void updateBlob(int index, InputStream arg1, long arg2) throws SQLException {
        delegate.updateBlob(index, arg1, arg2);
    }

    @Override
    public void updateBlob(int index, InputStream arg1) throws SQLException {
        delegate.updateBlob(index, arg1);
    }

    @Override
    public void updateBlob(int index, Blob arg1) throws SQLException {
        delegate.updateBlob(index, arg1);
    }

    @Override
    public void updateBoolean(String label, boolean arg1) throws SQLException {
        delegate.updateBoolean(label, arg1);
    }

    @Override
    public void updateBoolean(int index, boolean arg1) throws SQLException {
        delegate.updateBoolean(index, arg1);
    }

    @Override
    public void updateByte(String label, byte arg1) throws SQLException {
        delegate.updateByte(label, arg1);
    }

    @Override
    public void updateByte(int index, byte arg1) throws SQLException {
        delegate.updateByte(index, arg1);
    }

    @Override
    public void updateBytes(String label, byte[] arg1) throws SQLException {
        delegate.updateBytes(label, arg1);
    }

    @Override
    public void updateBytes(int index, byte[] arg1) throws SQLException {
        delegate.updateBytes(index, arg1);
    }

    @Override
    public void updateCharacterStream(String label, Reader arg1, int arg2) throws SQLException {
        delegate.updateCharacterStream(label, arg1, arg2);
    }

    @Override
    public void updateCharacterStream(String label, Reader arg1, long arg2) throws SQLException {
        delegate.updateCharacterStream(label, arg1, arg2);
    }

    @Override
    public void updateCharacterStream(String label, Reader arg1) throws SQLException {
        delegate.updateCharacterStream(label, arg1);
    }

    @Override
    public void updateCharacterStream(int index, Reader arg1, int arg2) throws SQLException {
        delegate.updateCharacterStream(index, arg1, arg2);
    }

    @Override
    public void updateCharacterStream(int index, Reader arg1, long arg2) throws SQLException {
        delegate.updateCharacterStream(index, arg1, arg2);
    }

    @Override
    public void updateCharacterStream(int index, Reader arg1) throws SQLException {
        delegate.updateCharacterStream(index, arg1);
    }

    @Override
    public void updateClob(String label, Reader arg1, long arg2) throws SQLException {
        delegate.updateClob(label, arg1, arg2);
    }

    @Override
    public void updateClob(String label, Reader arg1) throws SQLException {
        delegate.updateClob(label, arg1);
    }

    @Override
    public void updateClob(String label, Clob arg1) throws SQLException {
        delegate.updateClob(label, arg1);
    }

    @Override
    public void updateClob(int index, Reader arg1, long arg2) throws SQLException {
        delegate.updateClob(index, arg1, arg2);
    }

    @Override
    public void updateClob(int index, Reader arg1) throws SQLException {
        delegate.updateClob(index, arg1);
    }

    @Override
    public void updateClob(int index, Clob arg1) throws SQLException {
        delegate.updateClob(index, arg1);
    }

    @Override
    public void updateDate(String label, Date arg1) throws SQLException {
        delegate.updateDate(label, arg1);
    }

    @Override
    public void updateDate(int index, Date arg1) throws SQLException {
        delegate.updateDate(index, arg1);
    }

    @Override
    public void updateDouble(String label, double arg1) throws SQLException {
        delegate.updateDouble(label, arg1);
    }

    @Override
    public void updateDouble(int index, double arg1) throws SQLException {
        delegate.updateDouble(index, arg1);
    }

    @Override
    public void updateFloat(String label, float arg1) throws SQLException {
        delegate.updateFloat(label, arg1);
    }

    @Override
    public void updateFloat(int index, float arg1) throws SQLException {
        delegate.updateFloat(index, arg1);
    }

    @Override
    public void updateInt(String label, int arg1) throws SQLException {
        delegate.updateInt(label, arg1);
    }

    @Override
    public void updateInt(int index, int arg1) throws SQLException {
        delegate.updateInt(index, arg1);
    }

    @Override
    public void updateLong(String label, long arg1) throws SQLException {
        delegate.updateLong(label, arg1);
    }

    @Override
    public void updateLong(int index, long arg1) throws SQLException {
        delegate.updateLong(index, arg1);
    }

    @Override
    public void updateNCharacterStream(String label, Reader arg1, long arg2) throws SQLException {
        delegate.updateNCharacterStream(label, arg1, arg2);
    }

    @Override
    public void updateNCharacterStream(String label, Reader arg1) throws SQLException {
        delegate.updateNCharacterStream(label, arg1);
    }

    @Override
    public void updateNCharacterStream(int index, Reader arg1, long arg2) throws SQLException {
        delegate.updateNCharacterStream(index, arg1, arg2);
    }

    @Override
    public void updateNCharacterStream(int index, Reader arg1) throws SQLException {
        delegate.updateNCharacterStream(index, arg1);
    }

    @Override
    public void updateNClob(String label, Reader arg1, long arg2) throws SQLException {
        delegate.updateNClob(label, arg1, arg2);
    }

    @Override
    public void updateNClob(String label, Reader arg1) throws SQLException {
        delegate.updateNClob(label, arg1);
    }

    @Override
    public void updateNClob(String label, NClob arg1) throws SQLException {
        delegate.updateNClob(label, arg1);
    }

    @Override
    public void updateNClob(int index, Reader arg1, long arg2) throws SQLException {
        delegate.updateNClob(index, arg1, arg2);
    }

    @Override
    public void updateNClob(int index, Reader arg1) throws SQLException {
        delegate.updateNClob(index, arg1);
    }

    @Override
    public void updateNClob(int index, NClob arg1) throws SQLException {
        delegate.updateNClob(index, arg1);
    }

    @Override
    public void updateNString(String label, String arg1) throws SQLException {
        delegate.updateNString(label, arg1);
    }

    @Override
    public void updateNString(int index, String arg1) throws SQLException {
        delegate.updateNString(index, arg1);
    }

    @Override
    public void updateNull(String value) throws SQLException {
        delegate.updateNull(value);
    }

    @Override
    public void updateNull(int value) throws SQLException {
        delegate.updateNull(value);
    }

    @Override
    public void updateObject(String label, Object arg1, int arg2) throws SQLException {
        delegate.updateObject(label, arg1, arg2);
    }

    @Override
    public void updateObject(String label, Object arg1, SQLType arg2, int arg3) throws SQLException {
        delegate.updateObject(label, arg1, arg2, arg3);
    }

    @Override
    public void updateObject(String label, Object arg1, SQLType arg2) throws SQLException {
        delegate.updateObject(label, arg1, arg2);
    }

    @Override
    public void updateObject(String label, Object arg1) throws SQLException {
        delegate.updateObject(label, arg1);
    }

    @Override
    public void updateObject(int index, Object arg1, int arg2) throws SQLException {
        delegate.updateObject(index, arg1, arg2);
    }

    @Override
    public void updateObject(int index, Object arg1, SQLType arg2, int arg3) throws SQLException {
        delegate.updateObject(index, arg1, arg2, arg3);
    }

    @Override
    public void updateObject(int index, Object arg1, SQLType arg2) throws SQLException {
        delegate.updateObject(index, arg1, arg2);
    }

    @Override
    public void updateObject(int index, Object arg1) throws SQLException {
        delegate.updateObject(index, arg1);
    }

    @Override
    public void updateRef(String label, Ref arg1) throws SQLException {
        delegate.updateRef(label, arg1);
    }

    @Override
    public void updateRef(int index, Ref arg1) throws SQLException {
        delegate.updateRef(index, arg1);
    }

    @Override
    public void updateRow() throws SQLException {
        delegate.updateRow();
        wrote("updateRow()");
    }

    @Override
    public void updateRowId(String label, RowId arg1) throws SQLException {
        delegate.updateRowId(label, arg1);
    }

    @Override
    public void updateRowId(int index, RowId arg1) throws SQLException {
        delegate.updateRowId(index, arg1);
    }

    @Override
    public void updateSQLXML(String label, SQLXML arg1) throws SQLException {
        delegate.updateSQLXML(label, arg1);
    }

    @Override
    public void updateSQLXML(int index, SQLXML arg1) throws SQLException {
        delegate.updateSQLXML(index, arg1);
    }

    @Override
    public void updateShort(String label, short arg1) throws SQLException {
        delegate.updateShort(label, arg1);
    }

    @Override
    public void updateShort(int index, short arg1) throws SQLException {
        delegate.updateShort(index, arg1);
    }

    @Override
    public void updateString(String label, String arg1) throws SQLException {
        delegate.updateString(label, arg1);
    }

    @Override
    public void updateString(int index, String arg1) throws SQLException {
        delegate.updateString(index, arg1);
    }

    @Override
    public void updateTime(String label, Time arg1) throws SQLException {
        delegate.updateTime(label, arg1);
    }

    @Override
    public void updateTime(int index, Time arg1) throws SQLException {
        delegate.updateTime(index, arg1);
    }

    @Override
    public void updateTimestamp(String label, Timestamp arg1) throws SQLException {
        delegate.updateTimestamp(label, arg1);
    }

    @Override
    public void updateTimestamp(int index, Timestamp arg1) throws SQLException {
        delegate.updateTimestamp(index, arg1);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return delegate.wasNull();
    }
}
