package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.execute.SqlFunction;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;

/**
 * The primary's metadata, shown with the logical connection as its {@link #getConnection()} and the
 * {@code jdbc:replicated:} URL, without secrets, as its {@link #getURL()}. Metadata comes from the primary
 * because tools read it right after DDL, which a lagging replica may not have replayed yet.
 */
final class DatabaseMetaDataProxy implements DatabaseMetaData {

    private final LogicalConnection connection;
    private final Config config;

    /** The node driver's major and minor version, asked when the metadata was. */
    private final int[] driverVersion;

    DatabaseMetaDataProxy(LogicalConnection connection, Config config, int[] driverVersion) {
        this.connection = connection;
        this.config = config;
        this.driverVersion = driverVersion.clone();
    }

    /** Asks the primary's metadata (the connection's own, or, pooled, one borrowed for the call). */
    private <T> T meta(SqlFunction<DatabaseMetaData, T> call) throws SQLException {
        return connection.onMetadata(call);
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String getURL() {
        return config.displayUrl();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return meta(m -> m.unwrap(iface));
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || meta(m -> m.isWrapperFor(iface));
    }

    private static ResultSet wrap(ResultSet resultSet) {
        return resultSet == null ? null : new ResultSetProxy(resultSet, null);
    }

    @Override
    public boolean allProceduresAreCallable() throws SQLException {
        return meta(m -> m.allProceduresAreCallable());
    }

    @Override
    public boolean allTablesAreSelectable() throws SQLException {
        return meta(m -> m.allTablesAreSelectable());
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() throws SQLException {
        return meta(m -> m.autoCommitFailureClosesAllResultSets());
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() throws SQLException {
        return meta(m -> m.dataDefinitionCausesTransactionCommit());
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() throws SQLException {
        return meta(m -> m.dataDefinitionIgnoredInTransactions());
    }

    @Override
    public boolean deletesAreDetected(int arg0) throws SQLException {
        return meta(m -> m.deletesAreDetected(arg0));
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() throws SQLException {
        return meta(m -> m.doesMaxRowSizeIncludeBlobs());
    }

    @Override
    public boolean generatedKeyAlwaysReturned() throws SQLException {
        return meta(m -> m.generatedKeyAlwaysReturned());
    }

    @Override
    public ResultSet getAttributes(String arg0, String arg1, String arg2, String arg3) throws SQLException {
        return wrap(meta(m -> m.getAttributes(arg0, arg1, arg2, arg3)));
    }

    @Override
    public ResultSet getBestRowIdentifier(String arg0, String arg1, String arg2, int arg3, boolean arg4)
            throws SQLException {
        return wrap(meta(m -> m.getBestRowIdentifier(arg0, arg1, arg2, arg3, arg4)));
    }

    @Override
    public String getCatalogSeparator() throws SQLException {
        return meta(m -> m.getCatalogSeparator());
    }

    @Override
    public String getCatalogTerm() throws SQLException {
        return meta(m -> m.getCatalogTerm());
    }

    @Override
    public ResultSet getCatalogs() throws SQLException {
        return wrap(meta(m -> m.getCatalogs()));
    }

    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        return wrap(meta(m -> m.getClientInfoProperties()));
    }

    @Override
    public ResultSet getColumnPrivileges(String arg0, String arg1, String arg2, String arg3) throws SQLException {
        return wrap(meta(m -> m.getColumnPrivileges(arg0, arg1, arg2, arg3)));
    }

    @Override
    public ResultSet getColumns(String arg0, String arg1, String arg2, String arg3) throws SQLException {
        return wrap(meta(m -> m.getColumns(arg0, arg1, arg2, arg3)));
    }

    @Override
    public ResultSet getCrossReference(String arg0, String arg1, String arg2, String arg3, String arg4, String arg5)
            throws SQLException {
        return wrap(meta(m -> m.getCrossReference(arg0, arg1, arg2, arg3, arg4, arg5)));
    }

    @Override
    public int getDatabaseMajorVersion() throws SQLException {
        return meta(m -> m.getDatabaseMajorVersion());
    }

    @Override
    public int getDatabaseMinorVersion() throws SQLException {
        return meta(m -> m.getDatabaseMinorVersion());
    }

    @Override
    public String getDatabaseProductName() throws SQLException {
        return meta(m -> m.getDatabaseProductName());
    }

    @Override
    public String getDatabaseProductVersion() throws SQLException {
        return meta(m -> m.getDatabaseProductVersion());
    }

    @Override
    public int getDefaultTransactionIsolation() throws SQLException {
        return meta(m -> m.getDefaultTransactionIsolation());
    }

    @Override
    public int getDriverMajorVersion() {
        return driverVersion[0];
    }

    @Override
    public int getDriverMinorVersion() {
        return driverVersion[1];
    }

    @Override
    public String getDriverName() throws SQLException {
        return meta(m -> m.getDriverName());
    }

    @Override
    public String getDriverVersion() throws SQLException {
        return meta(m -> m.getDriverVersion());
    }

    @Override
    public ResultSet getExportedKeys(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getExportedKeys(arg0, arg1, arg2)));
    }

    @Override
    public String getExtraNameCharacters() throws SQLException {
        return meta(m -> m.getExtraNameCharacters());
    }

    @Override
    public ResultSet getFunctionColumns(String arg0, String arg1, String arg2, String arg3) throws SQLException {
        return wrap(meta(m -> m.getFunctionColumns(arg0, arg1, arg2, arg3)));
    }

    @Override
    public ResultSet getFunctions(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getFunctions(arg0, arg1, arg2)));
    }

    @Override
    public String getIdentifierQuoteString() throws SQLException {
        return meta(m -> m.getIdentifierQuoteString());
    }

    @Override
    public ResultSet getImportedKeys(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getImportedKeys(arg0, arg1, arg2)));
    }

    @Override
    public ResultSet getIndexInfo(String arg0, String arg1, String arg2, boolean arg3, boolean arg4)
            throws SQLException {
        return wrap(meta(m -> m.getIndexInfo(arg0, arg1, arg2, arg3, arg4)));
    }

    @Override
    public int getJDBCMajorVersion() throws SQLException {
        return meta(m -> m.getJDBCMajorVersion());
    }

    @Override
    public int getJDBCMinorVersion() throws SQLException {
        return meta(m -> m.getJDBCMinorVersion());
    }

    @Override
    public int getMaxBinaryLiteralLength() throws SQLException {
        return meta(m -> m.getMaxBinaryLiteralLength());
    }

    @Override
    public int getMaxCatalogNameLength() throws SQLException {
        return meta(m -> m.getMaxCatalogNameLength());
    }

    @Override
    public int getMaxCharLiteralLength() throws SQLException {
        return meta(m -> m.getMaxCharLiteralLength());
    }

    @Override
    public int getMaxColumnNameLength() throws SQLException {
        return meta(m -> m.getMaxColumnNameLength());
    }

    @Override
    public int getMaxColumnsInGroupBy() throws SQLException {
        return meta(m -> m.getMaxColumnsInGroupBy());
    }

    @Override
    public int getMaxColumnsInIndex() throws SQLException {
        return meta(m -> m.getMaxColumnsInIndex());
    }

    @Override
    public int getMaxColumnsInOrderBy() throws SQLException {
        return meta(m -> m.getMaxColumnsInOrderBy());
    }

    @Override
    public int getMaxColumnsInSelect() throws SQLException {
        return meta(m -> m.getMaxColumnsInSelect());
    }

    @Override
    public int getMaxColumnsInTable() throws SQLException {
        return meta(m -> m.getMaxColumnsInTable());
    }

    @Override
    public int getMaxConnections() throws SQLException {
        return meta(m -> m.getMaxConnections());
    }

    @Override
    public int getMaxCursorNameLength() throws SQLException {
        return meta(m -> m.getMaxCursorNameLength());
    }

    @Override
    public int getMaxIndexLength() throws SQLException {
        return meta(m -> m.getMaxIndexLength());
    }

    @Override
    public long getMaxLogicalLobSize() throws SQLException {
        return meta(m -> m.getMaxLogicalLobSize());
    }

    @Override
    public int getMaxProcedureNameLength() throws SQLException {
        return meta(m -> m.getMaxProcedureNameLength());
    }

    @Override
    public int getMaxRowSize() throws SQLException {
        return meta(m -> m.getMaxRowSize());
    }

    @Override
    public int getMaxSchemaNameLength() throws SQLException {
        return meta(m -> m.getMaxSchemaNameLength());
    }

    @Override
    public int getMaxStatementLength() throws SQLException {
        return meta(m -> m.getMaxStatementLength());
    }

    @Override
    public int getMaxStatements() throws SQLException {
        return meta(m -> m.getMaxStatements());
    }

    @Override
    public int getMaxTableNameLength() throws SQLException {
        return meta(m -> m.getMaxTableNameLength());
    }

    @Override
    public int getMaxTablesInSelect() throws SQLException {
        return meta(m -> m.getMaxTablesInSelect());
    }

    @Override
    public int getMaxUserNameLength() throws SQLException {
        return meta(m -> m.getMaxUserNameLength());
    }

    @Override
    public String getNumericFunctions() throws SQLException {
        return meta(m -> m.getNumericFunctions());
    }

    @Override
    public ResultSet getPrimaryKeys(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getPrimaryKeys(arg0, arg1, arg2)));
    }

    @Override
    public ResultSet getProcedureColumns(String arg0, String arg1, String arg2, String arg3) throws SQLException {
        return wrap(meta(m -> m.getProcedureColumns(arg0, arg1, arg2, arg3)));
    }

    @Override
    public String getProcedureTerm() throws SQLException {
        return meta(m -> m.getProcedureTerm());
    }

    @Override
    public ResultSet getProcedures(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getProcedures(arg0, arg1, arg2)));
    }

    @Override
    public ResultSet getPseudoColumns(String arg0, String arg1, String arg2, String arg3) throws SQLException {
        return wrap(meta(m -> m.getPseudoColumns(arg0, arg1, arg2, arg3)));
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return meta(m -> m.getResultSetHoldability());
    }

    @Override
    public RowIdLifetime getRowIdLifetime() throws SQLException {
        return meta(m -> m.getRowIdLifetime());
    }

    @Override
    public String getSQLKeywords() throws SQLException {
        return meta(m -> m.getSQLKeywords());
    }

    @Override
    public int getSQLStateType() throws SQLException {
        return meta(m -> m.getSQLStateType());
    }

    @Override
    public String getSchemaTerm() throws SQLException {
        return meta(m -> m.getSchemaTerm());
    }

    @Override
    public ResultSet getSchemas() throws SQLException {
        return wrap(meta(m -> m.getSchemas()));
    }

    @Override
    public ResultSet getSchemas(String arg0, String arg1) throws SQLException {
        return wrap(meta(m -> m.getSchemas(arg0, arg1)));
    }

    @Override
    public String getSearchStringEscape() throws SQLException {
        return meta(m -> m.getSearchStringEscape());
    }

    @Override
    public String getStringFunctions() throws SQLException {
        return meta(m -> m.getStringFunctions());
    }

    @Override
    public ResultSet getSuperTables(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getSuperTables(arg0, arg1, arg2)));
    }

    @Override
    public ResultSet getSuperTypes(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getSuperTypes(arg0, arg1, arg2)));
    }

    @Override
    public String getSystemFunctions() throws SQLException {
        return meta(m -> m.getSystemFunctions());
    }

    @Override
    public ResultSet getTablePrivileges(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getTablePrivileges(arg0, arg1, arg2)));
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        return wrap(meta(m -> m.getTableTypes()));
    }

    @Override
    public ResultSet getTables(String arg0, String arg1, String arg2, String[] arg3) throws SQLException {
        return wrap(meta(m -> m.getTables(arg0, arg1, arg2, arg3)));
    }

    @Override
    public String getTimeDateFunctions() throws SQLException {
        return meta(m -> m.getTimeDateFunctions());
    }

    @Override
    public ResultSet getTypeInfo() throws SQLException {
        return wrap(meta(m -> m.getTypeInfo()));
    }

    @Override
    public ResultSet getUDTs(String arg0, String arg1, String arg2, int[] arg3) throws SQLException {
        return wrap(meta(m -> m.getUDTs(arg0, arg1, arg2, arg3)));
    }

    @Override
    public String getUserName() throws SQLException {
        return meta(m -> m.getUserName());
    }

    @Override
    public ResultSet getVersionColumns(String arg0, String arg1, String arg2) throws SQLException {
        return wrap(meta(m -> m.getVersionColumns(arg0, arg1, arg2)));
    }

    @Override
    public boolean insertsAreDetected(int arg0) throws SQLException {
        return meta(m -> m.insertsAreDetected(arg0));
    }

    @Override
    public boolean isCatalogAtStart() throws SQLException {
        return meta(m -> m.isCatalogAtStart());
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return meta(m -> m.isReadOnly());
    }

    @Override
    public boolean locatorsUpdateCopy() throws SQLException {
        return meta(m -> m.locatorsUpdateCopy());
    }

    @Override
    public boolean nullPlusNonNullIsNull() throws SQLException {
        return meta(m -> m.nullPlusNonNullIsNull());
    }

    @Override
    public boolean nullsAreSortedAtEnd() throws SQLException {
        return meta(m -> m.nullsAreSortedAtEnd());
    }

    @Override
    public boolean nullsAreSortedAtStart() throws SQLException {
        return meta(m -> m.nullsAreSortedAtStart());
    }

    @Override
    public boolean nullsAreSortedHigh() throws SQLException {
        return meta(m -> m.nullsAreSortedHigh());
    }

    @Override
    public boolean nullsAreSortedLow() throws SQLException {
        return meta(m -> m.nullsAreSortedLow());
    }

    @Override
    public boolean othersDeletesAreVisible(int arg0) throws SQLException {
        return meta(m -> m.othersDeletesAreVisible(arg0));
    }

    @Override
    public boolean othersInsertsAreVisible(int arg0) throws SQLException {
        return meta(m -> m.othersInsertsAreVisible(arg0));
    }

    @Override
    public boolean othersUpdatesAreVisible(int arg0) throws SQLException {
        return meta(m -> m.othersUpdatesAreVisible(arg0));
    }

    @Override
    public boolean ownDeletesAreVisible(int arg0) throws SQLException {
        return meta(m -> m.ownDeletesAreVisible(arg0));
    }

    @Override
    public boolean ownInsertsAreVisible(int arg0) throws SQLException {
        return meta(m -> m.ownInsertsAreVisible(arg0));
    }

    @Override
    public boolean ownUpdatesAreVisible(int arg0) throws SQLException {
        return meta(m -> m.ownUpdatesAreVisible(arg0));
    }

    @Override
    public boolean storesLowerCaseIdentifiers() throws SQLException {
        return meta(m -> m.storesLowerCaseIdentifiers());
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() throws SQLException {
        return meta(m -> m.storesLowerCaseQuotedIdentifiers());
    }

    @Override
    public boolean storesMixedCaseIdentifiers() throws SQLException {
        return meta(m -> m.storesMixedCaseIdentifiers());
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() throws SQLException {
        return meta(m -> m.storesMixedCaseQuotedIdentifiers());
    }

    @Override
    public boolean storesUpperCaseIdentifiers() throws SQLException {
        return meta(m -> m.storesUpperCaseIdentifiers());
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() throws SQLException {
        return meta(m -> m.storesUpperCaseQuotedIdentifiers());
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() throws SQLException {
        return meta(m -> m.supportsANSI92EntryLevelSQL());
    }

    @Override
    public boolean supportsANSI92FullSQL() throws SQLException {
        return meta(m -> m.supportsANSI92FullSQL());
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() throws SQLException {
        return meta(m -> m.supportsANSI92IntermediateSQL());
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() throws SQLException {
        return meta(m -> m.supportsAlterTableWithAddColumn());
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() throws SQLException {
        return meta(m -> m.supportsAlterTableWithDropColumn());
    }

    @Override
    public boolean supportsBatchUpdates() throws SQLException {
        return meta(m -> m.supportsBatchUpdates());
    }

    @Override
    public boolean supportsCatalogsInDataManipulation() throws SQLException {
        return meta(m -> m.supportsCatalogsInDataManipulation());
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() throws SQLException {
        return meta(m -> m.supportsCatalogsInIndexDefinitions());
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException {
        return meta(m -> m.supportsCatalogsInPrivilegeDefinitions());
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() throws SQLException {
        return meta(m -> m.supportsCatalogsInProcedureCalls());
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() throws SQLException {
        return meta(m -> m.supportsCatalogsInTableDefinitions());
    }

    @Override
    public boolean supportsColumnAliasing() throws SQLException {
        return meta(m -> m.supportsColumnAliasing());
    }

    @Override
    public boolean supportsConvert() throws SQLException {
        return meta(m -> m.supportsConvert());
    }

    @Override
    public boolean supportsConvert(int arg0, int arg1) throws SQLException {
        return meta(m -> m.supportsConvert(arg0, arg1));
    }

    @Override
    public boolean supportsCoreSQLGrammar() throws SQLException {
        return meta(m -> m.supportsCoreSQLGrammar());
    }

    @Override
    public boolean supportsCorrelatedSubqueries() throws SQLException {
        return meta(m -> m.supportsCorrelatedSubqueries());
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException {
        return meta(m -> m.supportsDataDefinitionAndDataManipulationTransactions());
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() throws SQLException {
        return meta(m -> m.supportsDataManipulationTransactionsOnly());
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() throws SQLException {
        return meta(m -> m.supportsDifferentTableCorrelationNames());
    }

    @Override
    public boolean supportsExpressionsInOrderBy() throws SQLException {
        return meta(m -> m.supportsExpressionsInOrderBy());
    }

    @Override
    public boolean supportsExtendedSQLGrammar() throws SQLException {
        return meta(m -> m.supportsExtendedSQLGrammar());
    }

    @Override
    public boolean supportsFullOuterJoins() throws SQLException {
        return meta(m -> m.supportsFullOuterJoins());
    }

    @Override
    public boolean supportsGetGeneratedKeys() throws SQLException {
        return meta(m -> m.supportsGetGeneratedKeys());
    }

    @Override
    public boolean supportsGroupBy() throws SQLException {
        return meta(m -> m.supportsGroupBy());
    }

    @Override
    public boolean supportsGroupByBeyondSelect() throws SQLException {
        return meta(m -> m.supportsGroupByBeyondSelect());
    }

    @Override
    public boolean supportsGroupByUnrelated() throws SQLException {
        return meta(m -> m.supportsGroupByUnrelated());
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() throws SQLException {
        return meta(m -> m.supportsIntegrityEnhancementFacility());
    }

    @Override
    public boolean supportsLikeEscapeClause() throws SQLException {
        return meta(m -> m.supportsLikeEscapeClause());
    }

    @Override
    public boolean supportsLimitedOuterJoins() throws SQLException {
        return meta(m -> m.supportsLimitedOuterJoins());
    }

    @Override
    public boolean supportsMinimumSQLGrammar() throws SQLException {
        return meta(m -> m.supportsMinimumSQLGrammar());
    }

    @Override
    public boolean supportsMixedCaseIdentifiers() throws SQLException {
        return meta(m -> m.supportsMixedCaseIdentifiers());
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException {
        return meta(m -> m.supportsMixedCaseQuotedIdentifiers());
    }

    @Override
    public boolean supportsMultipleOpenResults() throws SQLException {
        return meta(m -> m.supportsMultipleOpenResults());
    }

    @Override
    public boolean supportsMultipleResultSets() throws SQLException {
        return meta(m -> m.supportsMultipleResultSets());
    }

    @Override
    public boolean supportsMultipleTransactions() throws SQLException {
        return meta(m -> m.supportsMultipleTransactions());
    }

    @Override
    public boolean supportsNamedParameters() throws SQLException {
        return meta(m -> m.supportsNamedParameters());
    }

    @Override
    public boolean supportsNonNullableColumns() throws SQLException {
        return meta(m -> m.supportsNonNullableColumns());
    }

    @Override
    public boolean supportsOpenCursorsAcrossCommit() throws SQLException {
        return meta(m -> m.supportsOpenCursorsAcrossCommit());
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() throws SQLException {
        return meta(m -> m.supportsOpenCursorsAcrossRollback());
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() throws SQLException {
        return meta(m -> m.supportsOpenStatementsAcrossCommit());
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() throws SQLException {
        return meta(m -> m.supportsOpenStatementsAcrossRollback());
    }

    @Override
    public boolean supportsOrderByUnrelated() throws SQLException {
        return meta(m -> m.supportsOrderByUnrelated());
    }

    @Override
    public boolean supportsOuterJoins() throws SQLException {
        return meta(m -> m.supportsOuterJoins());
    }

    @Override
    public boolean supportsPositionedDelete() throws SQLException {
        return meta(m -> m.supportsPositionedDelete());
    }

    @Override
    public boolean supportsPositionedUpdate() throws SQLException {
        return meta(m -> m.supportsPositionedUpdate());
    }

    @Override
    public boolean supportsRefCursors() throws SQLException {
        return meta(m -> m.supportsRefCursors());
    }

    @Override
    public boolean supportsResultSetConcurrency(int arg0, int arg1) throws SQLException {
        return meta(m -> m.supportsResultSetConcurrency(arg0, arg1));
    }

    @Override
    public boolean supportsResultSetHoldability(int arg0) throws SQLException {
        return meta(m -> m.supportsResultSetHoldability(arg0));
    }

    @Override
    public boolean supportsResultSetType(int arg0) throws SQLException {
        return meta(m -> m.supportsResultSetType(arg0));
    }

    @Override
    public boolean supportsSavepoints() throws SQLException {
        return meta(m -> m.supportsSavepoints());
    }

    @Override
    public boolean supportsSchemasInDataManipulation() throws SQLException {
        return meta(m -> m.supportsSchemasInDataManipulation());
    }

    @Override
    public boolean supportsSchemasInIndexDefinitions() throws SQLException {
        return meta(m -> m.supportsSchemasInIndexDefinitions());
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException {
        return meta(m -> m.supportsSchemasInPrivilegeDefinitions());
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() throws SQLException {
        return meta(m -> m.supportsSchemasInProcedureCalls());
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() throws SQLException {
        return meta(m -> m.supportsSchemasInTableDefinitions());
    }

    @Override
    public boolean supportsSelectForUpdate() throws SQLException {
        return meta(m -> m.supportsSelectForUpdate());
    }

    @Override
    public boolean supportsSharding() throws SQLException {
        return meta(m -> m.supportsSharding());
    }

    @Override
    public boolean supportsStatementPooling() throws SQLException {
        return meta(m -> m.supportsStatementPooling());
    }

    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() throws SQLException {
        return meta(m -> m.supportsStoredFunctionsUsingCallSyntax());
    }

    @Override
    public boolean supportsStoredProcedures() throws SQLException {
        return meta(m -> m.supportsStoredProcedures());
    }

    @Override
    public boolean supportsSubqueriesInComparisons() throws SQLException {
        return meta(m -> m.supportsSubqueriesInComparisons());
    }

    @Override
    public boolean supportsSubqueriesInExists() throws SQLException {
        return meta(m -> m.supportsSubqueriesInExists());
    }

    @Override
    public boolean supportsSubqueriesInIns() throws SQLException {
        return meta(m -> m.supportsSubqueriesInIns());
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() throws SQLException {
        return meta(m -> m.supportsSubqueriesInQuantifieds());
    }

    @Override
    public boolean supportsTableCorrelationNames() throws SQLException {
        return meta(m -> m.supportsTableCorrelationNames());
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int arg0) throws SQLException {
        return meta(m -> m.supportsTransactionIsolationLevel(arg0));
    }

    @Override
    public boolean supportsTransactions() throws SQLException {
        return meta(m -> m.supportsTransactions());
    }

    @Override
    public boolean supportsUnion() throws SQLException {
        return meta(m -> m.supportsUnion());
    }

    @Override
    public boolean supportsUnionAll() throws SQLException {
        return meta(m -> m.supportsUnionAll());
    }

    @Override
    public boolean updatesAreDetected(int arg0) throws SQLException {
        return meta(m -> m.updatesAreDetected(arg0));
    }

    @Override
    public boolean usesLocalFilePerTable() throws SQLException {
        return meta(m -> m.usesLocalFilePerTable());
    }

    @Override
    public boolean usesLocalFiles() throws SQLException {
        return meta(m -> m.usesLocalFiles());
    }
}
