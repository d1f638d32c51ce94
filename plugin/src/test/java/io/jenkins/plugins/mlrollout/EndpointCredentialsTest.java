package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.util.Secret;
import io.mlrollout.core.http.Credential;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

/** Resolving an endpoint's credential ids for a build, with the credentials plugin mocked at its static seam. */
class EndpointCredentialsTest {

    private final Run<?, ?> run = mock(Run.class);
    private MockedStatic<CredentialsProvider> provider;
    private ModelEndpoint endpoint;

    @BeforeEach
    void setUp() {
        provider = mockStatic(CredentialsProvider.class);
        endpoint = new ModelEndpoint("fraud-scorer");
        WebhookRouterSettings router = new WebhookRouterSettings("http://router:8080");
        router.setCredentialsId("router-token");
        endpoint.setRouter(router);
        endpoint.setPrometheusCredentialsId("prometheus-login");
    }

    @AfterEach
    void tearDown() {
        provider.close();
    }

    @Test
    void secretTextBecomesABearerTokenAndItsUseIsTracked() throws AbortException {
        StringCredentials token = mock(StringCredentials.class);
        Secret secret = secret("s3cr3t-token");
        when(token.getSecret()).thenReturn(secret);
        when(token.getId()).thenReturn("router-token");
        inTheControllersStore(StringCredentials.class, token);

        Credential credential = endpoint.routerCredential(run);

        assertThat(credential.authorizationHeader()).contains("Bearer s3cr3t-token");
        assertThat(credential.toString()).doesNotContain("s3cr3t");
        provider.verify(() -> CredentialsProvider.track(run, token));
    }

    @Test
    void usernameWithPasswordBecomesBasicAuthentication() throws AbortException {
        StandardUsernamePasswordCredentials login = mock(StandardUsernamePasswordCredentials.class);
        when(login.getUsername()).thenReturn("grafana");
        Secret password = secret("pa55word");
        when(login.getPassword()).thenReturn(password);
        when(login.getId()).thenReturn("prometheus-login");
        inTheControllersStore(StandardUsernamePasswordCredentials.class, login);

        Credential credential = endpoint.prometheusCredential(run);

        String expected = Base64.getEncoder().encodeToString("grafana:pa55word".getBytes(StandardCharsets.UTF_8));
        assertThat(credential.authorizationHeader()).contains("Basic " + expected);
        assertThat(credential.toString()).doesNotContain("pa55word");
        provider.verify(() -> CredentialsProvider.track(run, login));
    }

    @Test
    void noIdMeansNoAuthenticationAndNoLookup() throws AbortException {
        ModelEndpoint open = new ModelEndpoint("open");
        open.setRouter(new WebhookRouterSettings("http://router:8080"));

        assertThat(open.routerCredential(run)).isSameAs(Credential.NONE);
        assertThat(open.prometheusCredential(run)).isSameAs(Credential.NONE);
        provider.verifyNoInteractions();
    }

    @Test
    void anIdThatResolvesToNothingUsableFailsTheStepNamingTheFieldAndId() {
        // Nothing is found under either type: the mocked static answers null unless told otherwise.
        assertThatThrownBy(() -> endpoint.prometheusCredential(run))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith(
                        "endpoint 'fraud-scorer' prometheusCredentialsId: no credentials with id 'prometheus-login'")
                .hasMessageContaining("'Secret text'")
                .hasMessageContaining("'Username with password'");
        assertThatThrownBy(() -> endpoint.routerCredential(run))
                .hasMessageStartingWith(
                        "endpoint 'fraud-scorer' router credentialsId: no credentials with id 'router-token'");
        provider.verify(
                () -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StringCredentials.class, null, ACL.SYSTEM2, List.of()),
                org.mockito.Mockito.times(2));
        provider.verify(
                () -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StandardUsernamePasswordCredentials.class, null, ACL.SYSTEM2, List.of()),
                org.mockito.Mockito.times(2));
    }

    @Test
    void aSystemScopedCredentialTheFormListsIsOneABuildCanUse() throws AbortException {
        // The build itself could not see it (findCredentialById for the build answers null here, as the credentials
        // plugin does for System scope); the controller's store, where the form lists it from, has it.
        StringCredentials systemScoped = mock(StringCredentials.class);
        Secret secret = secret("system-only");
        when(systemScoped.getSecret()).thenReturn(secret);
        when(systemScoped.getId()).thenReturn("router-token");
        inTheControllersStore(StringCredentials.class, systemScoped);

        assertThat(endpoint.routerCredential(run).authorizationHeader()).contains("Bearer system-only");
    }

    /** What the credentials plugin answers for Jenkins' own store (a null item group) looked up as SYSTEM. */
    private <C extends com.cloudbees.plugins.credentials.Credentials> void inTheControllersStore(
            Class<C> type, C credential) {
        provider.when(() -> CredentialsProvider.lookupCredentialsInItemGroup(type, null, ACL.SYSTEM2, List.of()))
                .thenReturn(List.of(credential));
    }

    private static Secret secret(String value) {
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(value);
        return secret;
    }
}
