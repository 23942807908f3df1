package io.replicatedjdbc.internal.classify;

import java.util.List;

/**
 * Routing hints in comments: {@code replicated:primary} and pgpool's {@code NO LOAD BALANCE} send a read to the
 * primary; {@code replicated:replica} lets a read go to a replica even right after a write.
 */
final class Hints {

    enum Hint {
        NONE(""),
        PRIMARY("hint replicated:primary"),
        NO_LOAD_BALANCE("hint NO LOAD BALANCE"),
        REPLICA("hint replicated:replica");

        /** How the hint is named in a routing reason. */
        final String reason;

        Hint(String reason) {
            this.reason = reason;
        }
    }

    private static final String PRIMARY = "replicated:primary";
    private static final String REPLICA = "replicated:replica";
    private static final String NO_LOAD_BALANCE = "no load balance";

    private Hints() {}

    /** Whether the text between {@code from} and {@code to} mentions any hint (case-insensitive). */
    static boolean mentionsHint(String text, int from, int to) {
        return find(text, from, to, "replicated:") || find(text, from, to, NO_LOAD_BALANCE);
    }

    /** The first hint found in the comments; within one comment a primary hint wins over a replica hint. */
    static Hint of(List<String> comments) {
        for (String comment : comments) {
            if (find(comment, 0, comment.length(), PRIMARY)) {
                return Hint.PRIMARY;
            }
            if (find(comment, 0, comment.length(), NO_LOAD_BALANCE)) {
                return Hint.NO_LOAD_BALANCE;
            }
            if (find(comment, 0, comment.length(), REPLICA)) {
                return Hint.REPLICA;
            }
        }
        return Hint.NONE;
    }

    private static boolean find(String text, int from, int to, String word) {
        for (int i = from; i + word.length() <= to; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }
}
