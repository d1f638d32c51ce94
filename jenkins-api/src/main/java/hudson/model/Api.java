// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Api.java
package hudson.model;

/**
 * The remote API of a model object: {@code <object>/api/json} writes {@code bean}'s exported properties. The real class
 * extends {@code AbstractModelObject}; the plugin only constructs it, so the mirror leaves the superclass out.
 */
public class Api {
    public final Object bean;

    public Api(Object bean) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
