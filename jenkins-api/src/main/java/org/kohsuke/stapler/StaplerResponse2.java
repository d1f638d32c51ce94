// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e,
// core/src/main/java/org/kohsuke/stapler/StaplerResponse2.java
package org.kohsuke.stapler;

import edu.umd.cs.findbugs.annotations.NonNull;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The HTTP response as Stapler sees it. */
public interface StaplerResponse2 extends HttpServletResponse {
    void forwardToPreviousPage(StaplerRequest2 request) throws ServletException, IOException;

    void sendRedirect2(@NonNull String url) throws IOException;
}
