// Mirrors org.jenkins-ci.plugins.workflow:workflow-api:1413.v2ff1a_5e720fa_,
// src/main/java/org/jenkinsci/plugins/workflow/graph/FlowNode.java
package org.jenkinsci.plugins.workflow.graph;

import hudson.model.Actionable;
import hudson.model.Saveable;
import java.io.IOException;
import java.util.List;
import org.jenkinsci.plugins.workflow.flow.FlowExecution;

/**
 * One node of a Pipeline's flow graph, e.g. the step a StepContext runs; its actions are saved with the build's flow.
 * A step reaches its own with {@code StepContext.get(FlowNode.class)}.
 */
public abstract class FlowNode extends Actionable implements Saveable {

    protected FlowNode(FlowExecution exec, String id, List<FlowNode> parents) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public String getId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public void save() throws IOException {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
