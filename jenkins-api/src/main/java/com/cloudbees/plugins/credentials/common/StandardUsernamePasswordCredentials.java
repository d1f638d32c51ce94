// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/common/StandardUsernamePasswordCredentials.java
package com.cloudbees.plugins.credentials.common;

/** The usual "username with password" credential. */
public interface StandardUsernamePasswordCredentials extends StandardUsernameCredentials, UsernamePasswordCredentials {}
