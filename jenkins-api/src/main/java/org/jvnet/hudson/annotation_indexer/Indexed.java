// Mirrors org.jenkins-ci:annotation-indexer:1.213.v92788b_1f0a_21,
// src/main/java/org/jvnet/hudson/annotation_indexer/Indexed.java
package org.jvnet.hudson.annotation_indexer;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/** Marks an annotation whose uses annotation-indexer's processor lists in {@code META-INF/services/annotations/}. */
@Documented
@Retention(RUNTIME)
@Target(ANNOTATION_TYPE)
public @interface Indexed {
    Class<? extends Validator>[] validators() default {};
}
