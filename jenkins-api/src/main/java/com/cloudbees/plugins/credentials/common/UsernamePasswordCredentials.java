// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/common/UsernamePasswordCredentials.java
package com.cloudbees.plugins.credentials.common;

/** A user name and a password. */
public interface UsernamePasswordCredentials extends UsernameCredentials, PasswordCredentials {}
