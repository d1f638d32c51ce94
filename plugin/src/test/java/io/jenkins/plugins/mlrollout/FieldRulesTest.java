package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"fraud-scorer", "a", "0", "model-2", "x--y"})
    void acceptsEndpointNames(String name) {
        assertThat(FieldRules.endpointName(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Fraud", "-lead", "with space", "under_score", "dot.ted", "ümlaut"})
    void refusesOtherEndpointNamesQuotingThem(String name) {
        assertThat(FieldRules.endpointName(name))
                .hasValueSatisfying(
                        p -> assertThat(p).contains("'" + name + "'").contains("lower-case"));
    }

    @Test
    void aMissingValueIsRequired() {
        assertThat(FieldRules.endpointName(null)).contains("is required");
        assertThat(FieldRules.httpUrl(null)).contains("is required");
        assertThat(FieldRules.kubernetesName(null)).contains("is required");
        assertThat(FieldRules.kubernetesNamespace(null)).contains("is required");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://prometheus:9090",
                "https://prometheus.example.com/prom",
                "http://127.0.0.1:9090/",
                "HTTPS://k8s.local:6443"
            })
    void acceptsHttpUrls(String url) {
        assertThat(FieldRules.httpUrl(url)).isEmpty();
    }

    @Test
    void explainsWhatIsWrongWithAUrl() {
        assertThat(FieldRules.httpUrl("prometheus:9090")).contains("must start with http:// or https://");
        assertThat(FieldRules.httpUrl("ftp://host/x")).contains("must start with http:// or https://");
        assertThat(FieldRules.httpUrl("http://exa mple")).contains("is not a valid URL");
        assertThat(FieldRules.httpUrl("http:///path")).contains("has no host name");
    }

    @Test
    void refusesCredentialsInAUrlWithoutRepeatingThem() {
        assertThat(FieldRules.httpUrl("https://admin:hunter2@prometheus:9090"))
                .hasValueSatisfying(p -> assertThat(p)
                        .contains("must not contain a user name or password")
                        .doesNotContain("hunter2")
                        .doesNotContain("admin"));
        assertThat(FieldRules.httpUrl("http://admin:hunter 2@host"))
                .hasValueSatisfying(p -> assertThat(p).doesNotContain("hunter"));
    }

    @Test
    void kubernetesNamesFollowDns1123() {
        assertThat(FieldRules.kubernetesName("fraud-scorer.ml.svc.cluster.local"))
                .isEmpty();
        assertThat(FieldRules.kubernetesName("v1")).isEmpty();
        assertThat(FieldRules.kubernetesName("Fraud"))
                .hasValueSatisfying(p -> assertThat(p).contains("'Fraud' is not a valid Kubernetes name"));
        assertThat(FieldRules.kubernetesName("ends-")).isPresent();
        assertThat(FieldRules.kubernetesName("a".repeat(253))).isEmpty();
        assertThat(FieldRules.kubernetesName("a".repeat(254))).isPresent();
    }

    @Test
    void namespacesAndSubsetsAreLabels() {
        assertThat(FieldRules.kubernetesNamespace("ml-serving")).isEmpty();
        assertThat(FieldRules.kubernetesNamespace("ml.serving"))
                .hasValueSatisfying(p -> assertThat(p).contains("not a valid Kubernetes label"));
        assertThat(FieldRules.kubernetesNamespace("a".repeat(63))).isEmpty();
        assertThat(FieldRules.kubernetesNamespace("a".repeat(64))).isPresent();
        assertThat(FieldRules.optionalLabel(null)).isEmpty();
        assertThat(FieldRules.optionalLabel("v2")).isEmpty();
        assertThat(FieldRules.optionalLabel("V2")).isPresent();
    }

    @Test
    void wholeNumbersFromForms() {
        assertThat(FieldRules.nonNegativeInteger(null)).isEmpty();
        assertThat(FieldRules.nonNegativeInteger("0")).isEmpty();
        assertThat(FieldRules.nonNegativeInteger("3")).isEmpty();
        assertThat(FieldRules.nonNegativeInteger("-1")).contains("must be 0 or more, not -1");
        assertThat(FieldRules.nonNegativeInteger("two")).contains("'two' is not a whole number");
    }

    @Test
    void acceptTrimsAndRefusesNamingTheField() {
        assertThat(FieldRules.accept("url", "  http://router:8080 ", FieldRules::httpUrl))
                .isEqualTo("http://router:8080");
        assertThat(FieldRules.accept("routeName", "   ", v -> java.util.Optional.empty()))
                .isNull();
        assertThatThrownBy(() -> FieldRules.accept("prometheusUrl", " ", FieldRules::httpUrl))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prometheusUrl: is required");
    }
}
