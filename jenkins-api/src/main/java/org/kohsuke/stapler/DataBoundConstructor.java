// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e,
// core/src/main/java/org/kohsuke/stapler/DataBoundConstructor.java
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The constructor Stapler calls to build an object from a form or a pipeline step's arguments. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.CONSTRUCTOR)
@Documented
public @interface DataBoundConstructor {}
