// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/HttpResponses.java
package org.kohsuke.stapler;

/** Factories for common {@link HttpResponse}s. */
public class HttpResponses {

    /** An {@link HttpResponse} that can also be thrown. */
    public abstract static class HttpResponseException extends RuntimeException implements HttpResponse {
        private static final long serialVersionUID = 1L;

        public HttpResponseException() {}
    }

    public static HttpResponseException ok() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponseException notFound() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponseException forbidden() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponseException status(final int code) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponseException errorWithoutStack(final int code, final String errorMessage) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpRedirect redirectTo(String url) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponse redirectToDot() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponseException forwardToPreviousPage() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static HttpResponse plainText(final String plainText) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
