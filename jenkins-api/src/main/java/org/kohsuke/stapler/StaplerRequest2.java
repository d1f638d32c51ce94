// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e,
// core/src/main/java/org/kohsuke/stapler/StaplerRequest2.java
package org.kohsuke.stapler;

import jakarta.servlet.http.HttpServletRequest;
import net.sf.json.JSONObject;

/** The HTTP request as Stapler sees it. */
public interface StaplerRequest2 extends HttpServletRequest {
    String getRestOfPath();

    String getReferer();

    <T> T findAncestorObject(Class<T> type);

    /** Sets {@code bean}'s properties from the keys present in {@code src}; absent keys are left alone. */
    void bindJSON(Object bean, JSONObject src);
}
