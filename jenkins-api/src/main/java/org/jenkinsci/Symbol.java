// Mirrors org.jenkins-ci:symbol-annotation:1.26, src/main/java/org/jenkinsci/Symbol.java
package org.jenkinsci;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jvnet.hudson.annotation_indexer.Indexed;

/**
 * The short name (and aliases) by which configuration-as-code and Pipeline refer to a describable. Part of Jenkins core
 * (not the structs plugin). {@link Indexed}: annotation-indexer lists the annotated classes in
 * {@code META-INF/services/annotations/org.jenkinsci.Symbol}, which structs' SymbolLookup reads.
 */
@Indexed
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface Symbol {
    String[] value();
}
