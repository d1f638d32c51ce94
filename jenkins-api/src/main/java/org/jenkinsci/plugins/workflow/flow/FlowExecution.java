// Mirrors org.jenkins-ci.plugins.workflow:workflow-api:1413.v2ff1a_5e720fa_,
// src/main/java/org/jenkinsci/plugins/workflow/flow/FlowExecution.java
package org.jenkinsci.plugins.workflow.flow;

/** A running Pipeline program; only named here, as the type of {@code FlowNode}'s constructor parameter. */
public abstract class FlowExecution {}
