package io.replicatedjdbc.internal.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The open statements of one logical connection, closed with it. A list threaded through the statements themselves:
 * an application that prepares a statement per request adds and removes one each time, which costs two links here
 * instead of an identity hash and a map entry.
 */
final class OpenStatements {

    private StatementProxy head;

    synchronized void add(StatementProxy statement) {
        statement.nextOpen = head;
        statement.previousOpen = null;
        if (head != null) {
            head.previousOpen = statement;
        }
        head = statement;
        statement.listedOpen = true;
    }

    synchronized void remove(StatementProxy statement) {
        if (!statement.listedOpen) {
            return;
        }
        statement.listedOpen = false;
        if (statement.previousOpen != null) {
            statement.previousOpen.nextOpen = statement.nextOpen;
        } else {
            head = statement.nextOpen;
        }
        if (statement.nextOpen != null) {
            statement.nextOpen.previousOpen = statement.previousOpen;
        }
        statement.previousOpen = null;
        statement.nextOpen = null;
    }

    /** Whether some open statement matches. */
    synchronized boolean any(Predicate<StatementProxy> test) {
        for (StatementProxy s = head; s != null; s = s.nextOpen) {
            if (test.test(s)) {
                return true;
            }
        }
        return false;
    }

    /** Every open statement, the list emptied. */
    synchronized List<StatementProxy> drain() {
        List<StatementProxy> all = new ArrayList<>();
        for (StatementProxy s = head; s != null; ) {
            StatementProxy next = s.nextOpen;
            s.listedOpen = false;
            s.previousOpen = null;
            s.nextOpen = null;
            all.add(s);
            s = next;
        }
        head = null;
        return all;
    }
}
