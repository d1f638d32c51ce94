// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Job.java
package hudson.model;

import hudson.ExtensionPoint;

/** A job: something that has builds. */
public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem
        implements ExtensionPoint {

    protected Job(ItemGroup parent, String name) {
        super(parent, name);
    }

    public RunT getBuildByNumber(int n) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public RunT getLastBuild() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
