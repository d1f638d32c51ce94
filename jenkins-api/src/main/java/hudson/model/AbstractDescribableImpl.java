// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/AbstractDescribableImpl.java
package hudson.model;

/** Historical base class of describables; still the superclass of workflow's {@code Step}. */
@Deprecated(since = "2.505")
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {}
