// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/AncestorInPath.java
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A web method parameter filled with the nearest object of its type on the request's URL path. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Documented
public @interface AncestorInPath {}
