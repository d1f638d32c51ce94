package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import hudson.AbortException;
import hudson.model.Descriptor.FormException;
import java.util.ArrayList;
import java.util.List;
import net.sf.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.StaplerRequest2;

class MlRolloutConfigurationTest {

    private final MlRolloutConfiguration configuration = new MlRolloutConfiguration();

    @Test
    void startsWithNoEndpoints() {
        assertThat(configuration.getEndpoints()).isEmpty();
        configuration.setEndpoints(null);
        assertThat(configuration.getEndpoints()).isEmpty();
    }

    @Test
    void keepsItsOwnCopyOfTheEndpoints() {
        List<ModelEndpoint> given = new ArrayList<>(List.of(ready("fraud-scorer")));
        configuration.setEndpoints(given);
        given.add(ready("churn"));
        assertThat(configuration.getEndpoints())
                .extracting(ModelEndpoint::getName)
                .containsExactly("fraud-scorer");
        assertThatThrownBy(() -> configuration.getEndpoints().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesTwoEndpointsWithOneNameAndKeepsThePreviousOnes() {
        configuration.setEndpoints(List.of(ready("churn")));
        assertThatThrownBy(() -> configuration.setEndpoints(
                        List.of(ready("fraud-scorer"), ready("churn"), ready("fraud-scorer"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints: the name 'fraud-scorer' is used twice; endpoint names must be unique");
        assertThat(configuration.getEndpoints())
                .extracting(ModelEndpoint::getName)
                .containsExactly("churn");
    }

    @Test
    void findsEndpointsByName() throws AbortException {
        configuration.setEndpoints(List.of(ready("fraud-scorer"), ready("churn")));
        assertThat(configuration.endpoint("churn")).map(ModelEndpoint::getName).contains("churn");
        assertThat(configuration.endpoint("nope")).isEmpty();
        assertThat(configuration.requireEndpoint("fraud-scorer").getName()).isEqualTo("fraud-scorer");
    }

    @Test
    void anUnknownEndpointIsRefusedListingTheConfiguredOnes() {
        assertThatThrownBy(() -> configuration.requireEndpoint("fraud-scorer"))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("no endpoint named 'fraud-scorer'")
                .hasMessageEndingWith("(configured: none)");
        configuration.setEndpoints(List.of(ready("churn"), ready("ranker")));
        assertThatThrownBy(() -> configuration.requireEndpoint("fraud-scorer"))
                .hasMessageEndingWith("(configured: churn, ranker)");
    }

    @Test
    void anIncompleteEndpointIsRefusedSayingWhatIsMissing() {
        configuration.setEndpoints(List.of(new ModelEndpoint("fraud-scorer")));
        assertThatThrownBy(() -> configuration.requireEndpoint("fraud-scorer"))
                .isInstanceOf(AbortException.class)
                .hasMessage("endpoint 'fraud-scorer' router: is required; "
                        + "endpoint 'fraud-scorer' prometheusUrl: is required");
    }

    @Test
    void aFormWithTheLastEndpointDeletedLeavesNone() throws FormException {
        configuration.setEndpoints(List.of(ready("fraud-scorer")));
        StaplerRequest2 req = mock(StaplerRequest2.class);
        JSONObject form = mock(JSONObject.class);
        // Stapler calls no setter for a key the form does not have, and an empty repeatable sends none.

        assertThat(configuration.configure(req, form)).isTrue();

        assertThat(configuration.getEndpoints()).isEmpty();
    }

    @Test
    void aFormIsBoundThroughTheSetters() throws FormException {
        StaplerRequest2 req = mock(StaplerRequest2.class);
        JSONObject form = mock(JSONObject.class);
        doAnswer(call -> {
                    configuration.setEndpoints(List.of(ready("churn"), ready("ranker")));
                    return null;
                })
                .when(req)
                .bindJSON(configuration, form);

        configuration.configure(req, form);

        assertThat(configuration.getEndpoints())
                .extracting(ModelEndpoint::getName)
                .containsExactly("churn", "ranker");
    }

    @Test
    void aRefusedFormKeepsThePreviousEndpointsAndNamesTheProblem() {
        configuration.setEndpoints(List.of(ready("fraud-scorer")));
        StaplerRequest2 req = mock(StaplerRequest2.class);
        JSONObject form = mock(JSONObject.class);
        // As Stapler reports a refusal from a nested constructor: wrapped in its own exception.
        doThrow(new IllegalArgumentException(
                        "Failed to instantiate class io.jenkins.plugins.mlrollout.ModelEndpoint",
                        new IllegalArgumentException("name: 'Fraud' must start with a lower-case letter")))
                .when(req)
                .bindJSON(configuration, form);

        assertThatThrownBy(() -> configuration.configure(req, form))
                .isInstanceOf(FormException.class)
                .hasMessage("name: 'Fraud' must start with a lower-case letter")
                .extracting(e -> ((FormException) e).getFormField())
                .isEqualTo("endpoints");
        assertThat(configuration.getEndpoints())
                .extracting(ModelEndpoint::getName)
                .containsExactly("fraud-scorer");
    }

    private static ModelEndpoint ready(String name) {
        ModelEndpoint endpoint = new ModelEndpoint(name);
        endpoint.setRouter(new WebhookRouterSettings("http://router:8080"));
        endpoint.setPrometheusUrl("http://prometheus:9090");
        return endpoint;
    }
}
