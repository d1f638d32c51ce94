// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/CredentialsScope.java
package com.cloudbees.plugins.credentials;

import java.io.Serializable;

/** Where a credential may be used: by Jenkins itself only, by everything, or by its user. */
public enum CredentialsScope implements Serializable {
    SYSTEM,
    GLOBAL,
    USER
}
