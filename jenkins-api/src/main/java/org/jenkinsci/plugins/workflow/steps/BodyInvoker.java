// Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_,
// src/main/java/org/jenkinsci/plugins/workflow/steps/BodyInvoker.java
package org.jenkinsci.plugins.workflow.steps;

/** Starts a block step's body; the plugin's steps have none, so nothing of it is used but the type. */
public abstract class BodyInvoker {}
