// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/common/StandardUsernameCredentials.java
package com.cloudbees.plugins.credentials.common;

/** Standard credentials with a user name. */
public interface StandardUsernameCredentials extends StandardCredentials, UsernameCredentials {}
