// Mirrors org.jenkins-ci:annotation-indexer:1.213.v92788b_1f0a_21,
// src/main/java/org/jvnet/hudson/annotation_indexer/Validator.java
package org.jvnet.hudson.annotation_indexer;

import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;

/** The type {@link Indexed#validators()} names; here only so that member compiles with its real type. */
public interface Validator {
    void check(Element use, RoundEnvironment e, ProcessingEnvironment env);
}
