package io.replicatedjdbc.internal.classify;

import java.util.Collections;
import java.util.List;

/**
 * What JSqlParser found a statement to touch, for read-your-writes by table ({@code readYourWritesTables}): the
 * relations a read reads or a write changes, the CTE names it defines, and every function it calls. Names are as
 * PostgreSQL folds them (lower case unless quoted) and without schema: the same name in two schemas counts as one,
 * which only ever makes a read wait for more.
 *
 * <p>Only what the statement names. Whether a name is a plain table that reads and changes nothing but itself (no view,
 * trigger, rule, cascading foreign key, inheritance, policy or user code behind it) only the catalog can tell; a
 * statement this value does not describe fully has none ({@link Classification#tables()} is null) and counts as
 * touching every table.
 */
public final class TouchedTables {

    private final List<String> relations;
    private final List<String> cteNames;
    private final List<String> functions;

    TouchedTables(List<String> relations, List<String> cteNames, List<String> functions) {
        this.relations = Collections.unmodifiableList(relations);
        this.cteNames = Collections.unmodifiableList(cteNames);
        this.functions = Collections.unmodifiableList(functions);
    }

    /** For a read, every relation it names (CTE names included); for a write, the relations it changes. */
    public List<String> relations() {
        return relations;
    }

    /** The names the statement's own WITH clauses define: a name only these explain is no relation. */
    public List<String> cteNames() {
        return cteNames;
    }

    /** Every function the statement calls, built-in or not. */
    public List<String> functions() {
        return functions;
    }

    /**
     * A name as PostgreSQL resolves it, without schema: {@code "Quoted"} exactly, {@code unquoted} folded to lower
     * case; {@code a.b.c} is {@code c}.
     */
    static String fold(String name) {
        if (name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        int dot = name.lastIndexOf('.');
        return FunctionRules.lowerAscii(dot >= 0 ? name.substring(dot + 1) : name);
    }

    @Override
    public String toString() {
        return "relations " + relations + ", CTEs " + cteNames + ", functions " + functions;
    }
}
