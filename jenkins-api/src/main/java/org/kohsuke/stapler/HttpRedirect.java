// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/HttpRedirect.java
package org.kohsuke.stapler;

import edu.umd.cs.findbugs.annotations.NonNull;

/** A redirect, returned or thrown by a web method. */
public final class HttpRedirect extends RuntimeException implements HttpResponse {
    private static final long serialVersionUID = 1L;

    public HttpRedirect(@NonNull String url) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public HttpRedirect(int statusCode, @NonNull String url) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
