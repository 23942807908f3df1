package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.execute.SqlFunction;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A logical callable statement. Calls always run on the primary (a procedure may write), so the physical
 * statement is the primary's: out parameters, named parameters and results are handled there directly.
 */
class CallableStatementProxy extends PreparedStatementProxy implements CallableStatement {

    private static final Classification CALL = Classification.write("CallableStatement");

    CallableStatementProxy(
            LogicalConnection connection, String sql, SqlFunction<Connection, ? extends CallableStatement> creator) {
        super(connection, sql, CALL, creator);
    }

    /** The primary's physical statement, with the recorded indexed parameters applied. */
    private CallableStatement callable() throws SQLException {
        checkOpen();
        return (CallableStatement) prepared(connection.primary());
    }

    @Override
    public Array getArray(String label) throws SQLException {
        return callable().getArray(label);
    }

    @Override
    public Array getArray(int index) throws SQLException {
        return callable().getArray(index);
    }

    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException {
        return callable().getBigDecimal(label);
    }

    @Override
    public BigDecimal getBigDecimal(int index, int arg1) throws SQLException {
        return callable().getBigDecimal(index, arg1);
    }

    @Override
    public BigDecimal getBigDecimal(int index) throws SQLException {
        return callable().getBigDecimal(index);
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        return callable().getBlob(label);
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        return callable().getBlob(index);
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return callable().getBoolean(label);
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return callable().getBoolean(index);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return callable().getByte(label);
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return callable().getByte(index);
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        return callable().getBytes(label);
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        return callable().getBytes(index);
    }

    @Override
    public Reader getCharacterStream(String label) throws SQLException {
        return callable().getCharacterStream(label);
    }

    @Override
    public Reader getCharacterStream(int index) throws SQLException {
        return callable().getCharacterStream(index);
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        return callable().getClob(label);
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        return callable().getClob(index);
    }

    @Override
    public Date getDate(String label, Calendar arg1) throws SQLException {
        return callable().getDate(label, arg1);
    }

    @Override
    public Date getDate(String label) throws SQLException {
        return callable().getDate(label);
    }

    @Override
    public Date getDate(int index, Calendar arg1) throws SQLException {
        return callable().getDate(index, arg1);
    }

    @Override
    public Date getDate(int index) throws SQLException {
        return callable().getDate(index);
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return callable().getDouble(label);
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return callable().getDouble(index);
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return callable().getFloat(label);
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return callable().getFloat(index);
    }

    @Override
    public int getInt(String label) throws SQLException {
        return callable().getInt(label);
    }

    @Override
    public int getInt(int index) throws SQLException {
        return callable().getInt(index);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return callable().getLong(label);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return callable().getLong(index);
    }

    @Override
    public Reader getNCharacterStream(String label) throws SQLException {
        return callable().getNCharacterStream(label);
    }

    @Override
    public Reader getNCharacterStream(int index) throws SQLException {
        return callable().getNCharacterStream(index);
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        return callable().getNClob(label);
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        return callable().getNClob(index);
    }

    @Override
    public String getNString(String label) throws SQLException {
        return callable().getNString(label);
    }

    @Override
    public String getNString(int index) throws SQLException {
        return callable().getNString(index);
    }

    @Override
    public <T> T getObject(String label, Class<T> arg1) throws SQLException {
        return callable().getObject(label, arg1);
    }

    @Override
    public Object getObject(String label, Map<String, Class<?>> arg1) throws SQLException {
        return callable().getObject(label, arg1);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return callable().getObject(label);
    }

    @Override
    public <T> T getObject(int index, Class<T> arg1) throws SQLException {
        return callable().getObject(index, arg1);
    }

    @Override
    public Object getObject(int index, Map<String, Class<?>> arg1) throws SQLException {
        return callable().getObject(index, arg1);
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return callable().getObject(index);
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        return callable().getRef(label);
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        return callable().getRef(index);
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        return callable().getRowId(label);
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        return callable().getRowId(index);
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        return callable().getSQLXML(label);
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        return callable().getSQLXML(index);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return callable().getShort(label);
    }

    @Override
    public short getShort(int index) throws SQLException {
        return callable().getShort(index);
    }

    @Override
    public String getString(String label) throws SQLException {
        return callable().getString(label);
    }

    @Override
    public String getString(int index) throws SQLException {
        return callable().getString(index);
    }

    @Override
    public Time getTime(String label, Calendar arg1) throws SQLException {
        return callable().getTime(label, arg1);
    }

    @Override
    public Time getTime(String label) throws SQLException {
        return callable().getTime(label);
    }

    @Override
    public Time getTime(int index, Calendar arg1) throws SQLException {
        return callable().getTime(index, arg1);
    }

    @Override
    public Time getTime(int index) throws SQLException {
        return callable().getTime(index);
    }

    @Override
    public Timestamp getTimestamp(String label, Calendar arg1) throws SQLException {
        return callable().getTimestamp(label, arg1);
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        return callable().getTimestamp(label);
    }

    @Override
    public Timestamp getTimestamp(int index, Calendar arg1) throws SQLException {
        return callable().getTimestamp(index, arg1);
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        return callable().getTimestamp(index);
    }

    @Override
    public URL getURL(String label) throws SQLException {
        return callable().getURL(label);
    }

    @Override
    public URL getURL(int index) throws SQLException {
        return callable().getURL(index);
    }

    @Override
    public void registerOutParameter(String label, int arg1, String arg2) throws SQLException {
        callable().registerOutParameter(label, arg1, arg2);
    }

    @Override
    public void registerOutParameter(String label, int arg1, int arg2) throws SQLException {
        callable().registerOutParameter(label, arg1, arg2);
    }

    @Override
    public void registerOutParameter(String label, int arg1) throws SQLException {
        callable().registerOutParameter(label, arg1);
    }

    @Override
    public void registerOutParameter(String label, SQLType arg1, String arg2) throws SQLException {
        callable().registerOutParameter(label, arg1, arg2);
    }

    @Override
    public void registerOutParameter(String label, SQLType arg1, int arg2) throws SQLException {
        callable().registerOutParameter(label, arg1, arg2);
    }

    @Override
    public void registerOutParameter(String label, SQLType arg1) throws SQLException {
        callable().registerOutParameter(label, arg1);
    }

    @Override
    public void registerOutParameter(int index, int arg1, String arg2) throws SQLException {
        callable().registerOutParameter(index, arg1, arg2);
    }

    @Override
    public void registerOutParameter(int index, int arg1, int arg2) throws SQLException {
        callable().registerOutParameter(index, arg1, arg2);
    }

    @Override
    public void registerOutParameter(int index, int arg1) throws SQLException {
        callable().registerOutParameter(index, arg1);
    }

    @Override
    public void registerOutParameter(int index, SQLType arg1, String arg2) throws SQLException {
        callable().registerOutParameter(index, arg1, arg2);
    }

    @Override
    public void registerOutParameter(int index, SQLType arg1, int arg2) throws SQLException {
        callable().registerOutParameter(index, arg1, arg2);
    }

    @Override
    public void registerOutParameter(int index, SQLType arg1) throws SQLException {
        callable().registerOutParameter(index, arg1);
    }

    @Override
    public void setAsciiStream(String label, InputStream arg1, int arg2) throws SQLException {
        callable().setAsciiStream(label, arg1, arg2);
    }

    @Override
    public void setAsciiStream(String label, InputStream arg1, long arg2) throws SQLException {
        callable().setAsciiStream(label, arg1, arg2);
    }

    @Override
    public void setAsciiStream(String label, InputStream arg1) throws SQLException {
        callable().setAsciiStream(label, arg1);
    }

    @Override
    public void setBigDecimal(String label, BigDecimal arg1) throws SQLException {
        callable().setBigDecimal(label, arg1);
    }

    @Override
    public void setBinaryStream(String label, InputStream arg1, int arg2) throws SQLException {
        callable().setBinaryStream(label, arg1, arg2);
    }

    @Override
    public void setBinaryStream(String label, InputStream arg1, long arg2) throws SQLException {
        callable().setBinaryStream(label, arg1, arg2);
    }

    @Override
    public void setBinaryStream(String label, InputStream arg1) throws SQLException {
        callable().setBinaryStream(label, arg1);
    }

    @Override
    public void setBlob(String label, InputStream arg1, long arg2) throws SQLException {
        callable().setBlob(label, arg1, arg2);
    }

    @Override
    public void setBlob(String label, InputStream arg1) throws SQLException {
        callable().setBlob(label, arg1);
    }

    @Override
    public void setBlob(String label, Blob arg1) throws SQLException {
        callable().setBlob(label, arg1);
    }

    @Override
    public void setBoolean(String label, boolean arg1) throws SQLException {
        callable().setBoolean(label, arg1);
    }

    @Override
    public void setByte(String label, byte arg1) throws SQLException {
        callable().setByte(label, arg1);
    }

    @Override
    public void setBytes(String label, byte[] arg1) throws SQLException {
        callable().setBytes(label, arg1);
    }

    @Override
    public void setCharacterStream(String label, Reader arg1, int arg2) throws SQLException {
        callable().setCharacterStream(label, arg1, arg2);
    }

    @Override
    public void setCharacterStream(String label, Reader arg1, long arg2) throws SQLException {
        callable().setCharacterStream(label, arg1, arg2);
    }

    @Override
    public void setCharacterStream(String label, Reader arg1) throws SQLException {
        callable().setCharacterStream(label, arg1);
    }

    @Override
    public void setClob(String label, Reader arg1, long arg2) throws SQLException {
        callable().setClob(label, arg1, arg2);
    }

    @Override
    public void setClob(String label, Reader arg1) throws SQLException {
        callable().setClob(label, arg1);
    }

    @Override
    public void setClob(String label, Clob arg1) throws SQLException {
        callable().setClob(label, arg1);
    }

    @Override
    public void setDate(String label, Date arg1, Calendar arg2) throws SQLException {
        callable().setDate(label, arg1, arg2);
    }

    @Override
    public void setDate(String label, Date arg1) throws SQLException {
        callable().setDate(label, arg1);
    }

    @Override
    public void setDouble(String label, double arg1) throws SQLException {
        callable().setDouble(label, arg1);
    }

    @Override
    public void setFloat(String label, float arg1) throws SQLException {
        callable().setFloat(label, arg1);
    }

    @Override
    public void setInt(String label, int arg1) throws SQLException {
        callable().setInt(label, arg1);
    }

    @Override
    public void setLong(String label, long arg1) throws SQLException {
        callable().setLong(label, arg1);
    }

    @Override
    public void setNCharacterStream(String label, Reader arg1, long arg2) throws SQLException {
        callable().setNCharacterStream(label, arg1, arg2);
    }

    @Override
    public void setNCharacterStream(String label, Reader arg1) throws SQLException {
        callable().setNCharacterStream(label, arg1);
    }

    @Override
    public void setNClob(String label, Reader arg1, long arg2) throws SQLException {
        callable().setNClob(label, arg1, arg2);
    }

    @Override
    public void setNClob(String label, Reader arg1) throws SQLException {
        callable().setNClob(label, arg1);
    }

    @Override
    public void setNClob(String label, NClob arg1) throws SQLException {
        callable().setNClob(label, arg1);
    }

    @Override
    public void setNString(String label, String arg1) throws SQLException {
        callable().setNString(label, arg1);
    }

    @Override
    public void setNull(String label, int arg1, String arg2) throws SQLException {
        callable().setNull(label, arg1, arg2);
    }

    @Override
    public void setNull(String label, int arg1) throws SQLException {
        callable().setNull(label, arg1);
    }

    @Override
    public void setObject(String label, Object arg1, int arg2, int arg3) throws SQLException {
        callable().setObject(label, arg1, arg2, arg3);
    }

    @Override
    public void setObject(String label, Object arg1, int arg2) throws SQLException {
        callable().setObject(label, arg1, arg2);
    }

    @Override
    public void setObject(String label, Object arg1, SQLType arg2, int arg3) throws SQLException {
        callable().setObject(label, arg1, arg2, arg3);
    }

    @Override
    public void setObject(String label, Object arg1, SQLType arg2) throws SQLException {
        callable().setObject(label, arg1, arg2);
    }

    @Override
    public void setObject(String label, Object arg1) throws SQLException {
        callable().setObject(label, arg1);
    }

    @Override
    public void setRowId(String label, RowId arg1) throws SQLException {
        callable().setRowId(label, arg1);
    }

    @Override
    public void setSQLXML(String label, SQLXML arg1) throws SQLException {
        callable().setSQLXML(label, arg1);
    }

    @Override
    public void setShort(String label, short arg1) throws SQLException {
        callable().setShort(label, arg1);
    }

    @Override
    public void setString(String label, String arg1) throws SQLException {
        callable().setString(label, arg1);
    }

    @Override
    public void setTime(String label, Time arg1, Calendar arg2) throws SQLException {
        callable().setTime(label, arg1, arg2);
    }

    @Override
    public void setTime(String label, Time arg1) throws SQLException {
        callable().setTime(label, arg1);
    }

    @Override
    public void setTimestamp(String label, Timestamp arg1, Calendar arg2) throws SQLException {
        callable().setTimestamp(label, arg1, arg2);
    }

    @Override
    public void setTimestamp(String label, Timestamp arg1) throws SQLException {
        callable().setTimestamp(label, arg1);
    }

    @Override
    public void setURL(String label, URL arg1) throws SQLException {
        callable().setURL(label, arg1);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return callable().wasNull();
    }
}
