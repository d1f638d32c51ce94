// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/CredentialsMatchers.java
package com.cloudbees.plugins.credentials;

import edu.umd.cs.findbugs.annotations.NonNull;

/** Factories for {@link CredentialsMatcher}s. */
public class CredentialsMatchers {

    private CredentialsMatchers() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static CredentialsMatcher always() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static CredentialsMatcher instanceOf(@NonNull Class clazz) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static CredentialsMatcher withId(@NonNull String id) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static CredentialsMatcher anyOf(@NonNull CredentialsMatcher... matchers) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static CredentialsMatcher allOf(@NonNull CredentialsMatcher... matchers) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
