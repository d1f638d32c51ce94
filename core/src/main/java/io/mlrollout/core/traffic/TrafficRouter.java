package io.mlrollout.core.traffic;

/**
 * The port through which the engine moves traffic between the baseline and the candidate. Implementations talk to a
 * router (webhook, Istio, Gateway API, KServe); each has timeouts on every call and retries transient errors itself.
 */
public interface TrafficRouter {

    /** Reads the split in effect now. */
    TrafficSplit current() throws TrafficException;

    /**
     * Asks for {@code canaryWeight}% of traffic to go to {@code candidate}, then reads back and returns the split that is
     * in effect. The caller compares it with what it asked for; a router that cannot tell yet reports {@code ready=false}.
     * Weight 0 is a rollback; weight 100 is a promotion.
     */
    TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException;

    /** A short description for logs, e.g. {@code webhook http://router:8080}; never holds a credential. */
    String describe();
}
