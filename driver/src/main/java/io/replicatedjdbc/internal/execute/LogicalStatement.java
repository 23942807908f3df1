package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.session.SessionAction;

/**
 * A logical statement as the statement path sees it: where the results of its last execution are read from (they
 * keep that physical connection), and how its SQL is replayed on connections opened later when it changed the session.
 */
public interface LogicalStatement {

    /** Its last execution left results (or generated keys) to read from {@code physical}. */
    void resultsOn(Physical physical);

    /** Whether results of its last execution are still open. */
    boolean hasResults();

    /** Whether results still open are read from {@code physical}. */
    boolean readingFrom(Physical physical);

    /** The action that replays {@code sql}, a session change this statement ran, on another physical connection. */
    SessionAction replayAction(String sql);
}
