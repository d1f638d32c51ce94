// Mirrors org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/QueryParameter.java
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A web method parameter taken from the request's query or form parameter of that name. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Documented
public @interface QueryParameter {
    String value() default "";

    boolean required() default false;

    boolean fixEmpty() default false;
}
