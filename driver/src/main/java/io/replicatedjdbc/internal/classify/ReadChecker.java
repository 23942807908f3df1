package io.replicatedjdbc.internal.classify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ParenthesedStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Walks a parsed statement's whole tree (CTEs, subqueries, set-operation branches, expressions) and records the first
 * reason it cannot run on a replica, and what it touches ({@link TouchedTables}): the relations it names, those it
 * changes, the CTE names it defines and the functions it calls. Built on JSqlParser's complete tree walk; one instance
 * per statement string.
 */
final class ReadChecker extends TablesNamesFinder<Void> {

    private final FunctionRules functions;
    private String writeReason;
    private final Set<String> named = new LinkedHashSet<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private final Set<String> cteNames = new LinkedHashSet<>();
    private final Set<String> called = new LinkedHashSet<>();
    /** A statement whose effects a name list cannot describe (DDL, COPY, CALL, SELECT INTO ...). */
    private boolean unsupported;

    private ReadChecker(FunctionRules functions) {
        this.functions = functions;
        init(false);
    }

    /** What one walk of a statement string found. */
    static final class Walk {
        /** Why the statements must run on the primary, or null when the walk found nothing. */
        final String writeReason;

        private final ReadChecker checker;

        private Walk(ReadChecker checker) {
            this.writeReason = checker.writeReason;
            this.checker = checker;
        }

        /** What the statements read, or null when some statement is not a query or DML the walk understands. */
        TouchedTables asRead() {
            return checker.unsupported
                    ? null
                    : new TouchedTables(list(checker.named), list(checker.cteNames), list(checker.called));
        }

        /** What the statements change, or null when some statement is not a query or DML the walk understands. */
        TouchedTables asWrite() {
            return checker.unsupported
                    ? null
                    : new TouchedTables(list(checker.changed), new ArrayList<>(0), list(checker.called));
        }

        private static List<String> list(Set<String> names) {
            return new ArrayList<>(names);
        }
    }

    /** Walks every statement of the string. */
    static Walk walk(Statements statements, FunctionRules functions) {
        ReadChecker checker = new ReadChecker(functions);
        for (Statement statement : statements) {
            if (!(statement instanceof Select
                    || statement instanceof Insert
                    || statement instanceof Update
                    || statement instanceof Delete
                    || statement instanceof Merge)) {
                checker.unsupported = true;
            }
            statement.accept(checker, null);
        }
        return new Walk(checker);
    }

    private void found(String reason) {
        if (writeReason == null) {
            writeReason = reason;
        }
    }

    @Override
    public <S> Void visit(Function function, S context) {
        String name = function.getName();
        boolean quoted = name != null && name.length() > 1 && name.startsWith("\"") && name.endsWith("\"");
        String reason = name == null
                ? null
                : functions.writeReason(quoted ? name.substring(1, name.length() - 1) : name, quoted);
        if (reason != null) {
            found(reason);
        }
        List<String> parts = function.getMultipartName();
        if (parts == null || parts.isEmpty()) {
            unsupported = true;
        } else {
            called.add(TouchedTables.fold(parts.get(parts.size() - 1)));
        }
        return super.visit(function, context);
    }

    @Override
    public <S> Void visit(Table table, S context) {
        String name = table.getName();
        if (name == null) {
            unsupported = true;
        } else {
            named.add(TouchedTables.fold(name));
        }
        return super.visit(table, context);
    }

    /** A column's qualifier is a table or an alias already named where it is defined. */
    @Override
    public <S> Void visit(Column column, S context) {
        return null;
    }

    @Override
    public <S> Void visit(WithItem<?> withItem, S context) {
        if (withItem.getAlias() != null && withItem.getAlias().getName() != null) {
            cteNames.add(TouchedTables.fold(withItem.getAlias().getName()));
        }
        ParenthesedStatement inner = withItem.getParenthesedStatement();
        // (The finder itself takes every CTE for a SELECT and fails on a data-modifying one.)
        if (inner instanceof ParenthesedInsert) {
            return visit(((ParenthesedInsert) inner).getInsert(), context);
        }
        if (inner instanceof ParenthesedUpdate) {
            return visit(((ParenthesedUpdate) inner).getUpdate(), context);
        }
        if (inner instanceof ParenthesedDelete) {
            return visit(((ParenthesedDelete) inner).getDelete(), context);
        }
        if (!(inner instanceof ParenthesedSelect)) {
            unsupported = true;
            found("a CTE the walk does not know");
            return null;
        }
        return super.visit(withItem, context);
    }

    @Override
    public <S> Void visit(PlainSelect select, S context) {
        if (select.getForMode() != null) {
            found("row lock FOR " + select.getForMode().getValue());
        }
        if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
            found("SELECT INTO creates a table");
            unsupported = true;
        }
        return super.visit(select, context);
    }

    @Override
    public <S> Void visit(Insert insert, S context) {
        found("data-modifying INSERT");
        changes(insert.getTable());
        return super.visit(insert, context);
    }

    @Override
    public <S> Void visit(Update update, S context) {
        found("data-modifying UPDATE");
        changes(update.getTable());
        return super.visit(update, context);
    }

    @Override
    public <S> Void visit(Delete delete, S context) {
        found("data-modifying DELETE");
        changes(delete.getTable());
        if (delete.getTables() != null) {
            delete.getTables().forEach(this::changes);
        }
        return super.visit(delete, context);
    }

    @Override
    public <S> Void visit(Merge merge, S context) {
        found("data-modifying MERGE");
        changes(merge.getTable());
        return super.visit(merge, context);
    }

    private void changes(Table table) {
        if (table == null || table.getName() == null) {
            unsupported = true;
        } else {
            changed.add(TouchedTables.fold(table.getName()));
        }
    }
}
