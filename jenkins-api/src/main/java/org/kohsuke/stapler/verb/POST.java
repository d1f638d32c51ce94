// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/verb/POST.java
package org.kohsuke.stapler.verb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The web method is chosen only for POST requests. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface POST {}
