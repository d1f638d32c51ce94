package io.jenkins.plugins.mlrollout;

import io.jenkins.plugins.okhttp.api.JenkinsOkHttpClient;
import io.mlrollout.core.http.HttpSettings;

/**
 * The HTTP settings of every connector in Jenkins: the engine's timeouts and retries, with clients built by the
 * okhttp-api plugin's {@link JenkinsOkHttpClient}, so that Manage Jenkins → System → HTTP Proxy Configuration (the
 * proxy, its no-proxy hosts and its credentials) applies to router, Kubernetes and Prometheus calls alike. The proxy is
 * chosen per connection, so a changed configuration applies without a restart.
 */
final class JenkinsHttp {

    static final HttpSettings SETTINGS = HttpSettings.DEFAULT.through(JenkinsOkHttpClient::newClientBuilder);

    private JenkinsHttp() {}
}
