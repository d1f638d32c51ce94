// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/YesNoMaybe.java
package jenkins;

/** Three-valued answer; {@link hudson.Extension#dynamicLoadable()} uses it. */
public enum YesNoMaybe {
    YES,
    NO,
    MAYBE
}
