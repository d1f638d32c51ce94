// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/ItemGroup.java
package hudson.model;

/** A container of items (Jenkins itself, a folder). */
public interface ItemGroup<T extends Item> {
    String getFullName();

    String getUrl();
}
