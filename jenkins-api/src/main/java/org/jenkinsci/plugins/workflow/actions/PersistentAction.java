// Mirrors org.jenkins-ci.plugins.workflow:workflow-api:1413.v2ff1a_5e720fa_,
// src/main/java/org/jenkinsci/plugins/workflow/actions/PersistentAction.java
package org.jenkinsci.plugins.workflow.actions;

import hudson.model.Action;

/** An action saved with the flow node it is added to. */
public interface PersistentAction extends Action {}
