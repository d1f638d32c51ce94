// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/CredentialsDescriptor.java
package com.cloudbees.plugins.credentials;

import hudson.model.Descriptor;

/** Describes one kind of {@link Credentials}. */
public abstract class CredentialsDescriptor extends Descriptor<Credentials> {

    protected CredentialsDescriptor(Class<? extends Credentials> clazz) {
        super(clazz);
    }

    protected CredentialsDescriptor() {}
}
