package io.mlrollout.core.traffic;

/**
 * The port through which the engine moves traffic between the baseline and the candidate. Implementations talk to a
 * router (webhook, Istio, Gateway API, KServe); each has timeouts on every call and retries transient errors itself.
 */
public interface TrafficRouter {

    /** Reads the split in effect now, including any mirror to the candidate. */
    TrafficSplit current() throws TrafficException;

    /**
     * Asks for {@code canaryWeight}% of traffic to go to {@code candidate} and for nothing to be mirrored, then reads
     * back and returns the split that is in effect. The caller compares it with what it asked for; a router that cannot
     * tell yet reports {@code ready=false}. Weight 0 is a rollback (which also ends any mirror); weight 100 is a
     * promotion.
     */
    TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException;

    /**
     * A shadow stage: every user request goes to the baseline, and a copy of {@code mirrorPercent}% of them goes to
     * {@code candidate}, whose answers are thrown away. Reads back and returns the split in effect, as {@link #shift}
     * does. {@link #shift} ends the mirror.
     *
     * @throws TrafficException of kind {@code REJECTED} when the router cannot mirror (see {@link #canMirror()})
     */
    default TrafficSplit mirror(String candidate, int mirrorPercent) throws TrafficException {
        throw new TrafficException(TrafficException.Kind.REJECTED, describe() + " cannot mirror requests");
    }

    /** Whether {@link #mirror} works here; a rollout refuses a shadow stage before anything moves when it does not. */
    default boolean canMirror() {
        return false;
    }

    /** A short description for logs, e.g. {@code webhook http://router:8080}; never holds a credential. */
    String describe();
}
