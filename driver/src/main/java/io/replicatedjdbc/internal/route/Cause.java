package io.replicatedjdbc.internal.route;

/** Why a statement went where it went, in a few kinds that can be counted (the reason text says the rest). */
public enum Cause {
    /** A read a replica may serve. */
    READ,
    /** The statement is not provably a read (a write, DDL, anything unknown). */
    CLASSIFICATION,
    /** A hint in a comment ({@code replicated:primary}, {@code NO LOAD BALANCE}). */
    HINT,
    /** The statement belongs to an open transaction, which runs on one node. */
    TRANSACTION,
    /** {@code pinToPrimary()}, an unwrapped primary connection, or a session object that lives on the primary. */
    PIN,
    /** Read-your-writes kept the read on the primary. */
    READ_YOUR_WRITES,
    /** No replica is configured. */
    NO_REPLICAS,
    /** A hot standby refuses SERIALIZABLE transactions. */
    SERIALIZABLE,
    /** The replica failed, was unreachable, or was too far behind ({@code maxReplicaLag}). */
    FALLBACK,
    /** A session change, which reaches every node. */
    SESSION
}
