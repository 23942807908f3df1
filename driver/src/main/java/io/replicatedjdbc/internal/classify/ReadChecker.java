package io.replicatedjdbc.internal.classify;

import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Walks a parsed statement's whole tree (CTEs, subqueries, set-operation branches, expressions) and
 * records the first reason it cannot run on a replica. Built on JSqlParser's complete tree walk; one
 * instance per statement.
 */
final class ReadChecker extends TablesNamesFinder<Void> {

    private final FunctionRules functions;
    private String writeReason;

    private ReadChecker(FunctionRules functions) {
        this.functions = functions;
        init(true);
    }

    /** Why the statement must run on the primary, or null when the walk found nothing. */
    static String writeReason(Statement statement, FunctionRules functions) {
        ReadChecker checker = new ReadChecker(functions);
        statement.accept(checker, null);
        return checker.writeReason;
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
        return super.visit(function, context);
    }

    @Override
    public <S> Void visit(PlainSelect select, S context) {
        if (select.getForMode() != null) {
            found("row lock FOR " + select.getForMode().getValue());
        }
        if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
            found("SELECT INTO creates a table");
        }
        return super.visit(select, context);
    }

    @Override
    public <S> Void visit(Insert insert, S context) {
        found("data-modifying INSERT");
        return super.visit(insert, context);
    }

    @Override
    public <S> Void visit(Update update, S context) {
        found("data-modifying UPDATE");
        return super.visit(update, context);
    }

    @Override
    public <S> Void visit(Delete delete, S context) {
        found("data-modifying DELETE");
        return super.visit(delete, context);
    }

    @Override
    public <S> Void visit(Merge merge, S context) {
        found("data-modifying MERGE");
        return super.visit(merge, context);
    }
}
