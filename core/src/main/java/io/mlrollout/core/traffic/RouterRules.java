package io.mlrollout.core.traffic;

import io.mlrollout.core.traffic.TrafficException.Kind;
import java.net.URI;
import java.util.Objects;
import okhttp3.HttpUrl;

/** Small rules every router shares: what is retried, what a valid request and a valid base URL are. */
final class RouterRules {

    private RouterRules() {}

    /**
     * Transient failures are retried after a pause; a conflict is retried too, and the next attempt starts from a fresh
     * read. A rejected or unreadable answer will not change by asking again.
     */
    static boolean worthRetrying(TrafficException failure) {
        return failure.kind() == Kind.TRANSIENT || failure.kind() == Kind.CONFLICT;
    }

    static void requireShift(String candidate, int canaryWeight) {
        if (candidate == null || candidate.isBlank()) {
            throw new IllegalArgumentException("candidate must not be blank");
        }
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("canaryWeight must be 0..100, got " + canaryWeight);
        }
    }

    static void requireMirror(String candidate, int mirrorPercent) {
        if (candidate == null || candidate.isBlank()) {
            throw new IllegalArgumentException("candidate must not be blank");
        }
        if (mirrorPercent < 1 || mirrorPercent > 100) {
            throw new IllegalArgumentException("mirrorPercent must be 1..100, got " + mirrorPercent);
        }
    }

    /**
     * An http(s) URL with a host and nothing that could carry a secret or confuse path building: credentials go in a
     * {@code Credential}, never in the URL.
     */
    static URI requireBaseUrl(URI url, String field) {
        Objects.requireNonNull(url, field);
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException(field + ": must be an http or https URL, got scheme " + scheme);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException(field + ": has no host");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(field + ": must not contain user info; put credentials in a credential");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(field + ": must not have a query or a fragment");
        }
        // java.net.URI takes any digits as a port; the HTTP client would refuse them later, naming no field.
        if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
            throw new IllegalArgumentException(field + ": port must be 1..65535, got " + url.getPort());
        }
        if (HttpUrl.parse(url.toString()) == null) {
            throw new IllegalArgumentException(field + ": is not a URL the HTTP client can use");
        }
        return url;
    }

    /** {@code part} of {@code total} in whole percent, as {@link #wholePercent(double)} rounds it. */
    static int percent(long part, long total) {
        return wholePercent(100.0 * part / total);
    }

    /**
     * A share of 0..100 in whole percent, rounded half up, except that only none is 0 and only all is 100: the engine
     * reads 0 as "rolled back, nothing mirrored" and 100 as "promoted", so 0.1% is reported as 1 and 99.9% as 99.
     */
    static int wholePercent(double share) {
        int rounded = (int) Math.round(share);
        if (rounded == 0 && share > 0) {
            return 1;
        }
        if (rounded == 100 && share < 100) {
            return 99;
        }
        return rounded;
    }
}
