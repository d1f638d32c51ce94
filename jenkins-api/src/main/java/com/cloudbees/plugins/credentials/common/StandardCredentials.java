// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/common/StandardCredentials.java
package com.cloudbees.plugins.credentials.common;

import edu.umd.cs.findbugs.annotations.NonNull;

/** Credentials with an id and a description. */
public interface StandardCredentials extends IdCredentials {
    @NonNull
    String getDescription();
}
