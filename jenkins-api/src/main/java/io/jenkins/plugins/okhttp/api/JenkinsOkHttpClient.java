// Mirrors io.jenkins.plugins:okhttp-api:5.3.2-200.vedb_720a_cf1f8,
// src/main/java/io/jenkins/plugins/okhttp/api/JenkinsOkHttpClient.java
package io.jenkins.plugins.okhttp.api;

import okhttp3.OkHttpClient;

/** Builders of OkHttp clients that follow Jenkins' proxy configuration (Manage Jenkins → System → HTTP Proxy). */
public class JenkinsOkHttpClient {

    private JenkinsOkHttpClient() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** A builder from {@code httpClient} with Jenkins' proxy selector and proxy authenticator set. */
    public static OkHttpClient.Builder newClientBuilder(OkHttpClient httpClient) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
