// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/HttpResponse.java
package org.kohsuke.stapler;

import jakarta.servlet.ServletException;
import java.io.IOException;

/** Something a web method returns or throws that writes the HTTP response. */
public interface HttpResponse {
    default void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
            throws IOException, ServletException {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
