package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelEndpointTest {

    @Test
    void theNameIsRequiredAndChecked() {
        assertThat(new ModelEndpoint(" fraud-scorer ").getName()).isEqualTo("fraud-scorer");
        assertThatThrownBy(() -> new ModelEndpoint(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: is required");
        assertThatThrownBy(() -> new ModelEndpoint("Fraud Scorer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("name: 'Fraud Scorer' must start with a lower-case letter");
    }

    @Test
    void settersNormaliseBlankToNullAndRefuseBadValuesNamingTheField() {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        endpoint.setPrometheusUrl(" http://prometheus:9090 ");
        endpoint.setPrometheusCredentialsId("  ");
        endpoint.setNamespace("");
        assertThat(endpoint.getPrometheusUrl()).isEqualTo("http://prometheus:9090");
        assertThat(endpoint.getPrometheusCredentialsId()).isNull();
        assertThat(endpoint.getNamespace()).isNull();

        assertThatThrownBy(() -> endpoint.setPrometheusUrl("prometheus:9090"))
                .hasMessage("prometheusUrl: must start with http:// or https://");
        assertThatThrownBy(() -> endpoint.setNamespace("ML")).hasMessageStartingWith("namespace: 'ML' is not a valid");
        assertThatThrownBy(() -> endpoint.setMinimumQuorum(-1)).hasMessage("minimumQuorum: must be 0 or more, not -1");
        assertThat(endpoint.getPrometheusUrl()).as("unchanged after a refusal").isEqualTo("http://prometheus:9090");
        assertThat(endpoint.getMinimumQuorum()).isZero();
    }

    @Test
    void approversAreSplitOnCommasAndWhitespaceEachOnceInOrder() {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        assertThat(endpoint.approverIds()).isEmpty();
        endpoint.setApprovers(" alice, ml-risk\n bob,,alice  carol ");
        assertThat(endpoint.getApprovers()).isEqualTo("alice, ml-risk\n bob,,alice  carol");
        assertThat(endpoint.approverIds()).containsExactly("alice", "ml-risk", "bob", "carol");
    }

    @Test
    void aPipelineMayRaiseTheQuorumButNeverLowerIt() {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        endpoint.setMinimumQuorum(2);
        assertThat(endpoint.quorumFor(0)).isEqualTo(2);
        assertThat(endpoint.quorumFor(1)).isEqualTo(2);
        assertThat(endpoint.quorumFor(2)).isEqualTo(2);
        assertThat(endpoint.quorumFor(3)).isEqualTo(3);
        assertThatThrownBy(() -> endpoint.quorumFor(-1)).hasMessage("quorum: must be 0 or more, not -1");
    }

    @Test
    void aPipelineMayForbidSelfApprovalButNeverAllowWhatTheEndpointForbids() {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        assertThat(endpoint.isAllowSelfApproval()).isFalse();
        assertThat(endpoint.selfApprovalFor(true)).isFalse();
        assertThat(endpoint.selfApprovalFor(false)).isFalse();

        endpoint.setAllowSelfApproval(true);
        assertThat(endpoint.selfApprovalFor(true)).isTrue();
        assertThat(endpoint.selfApprovalFor(false)).isFalse();
    }

    @Test
    void reportsWhatAnEndpointNeedsBeforeUse() {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        assertThat(endpoint.missingSettings())
                .containsExactly(
                        "endpoint 'fraud-scorer' router: is required",
                        "endpoint 'fraud-scorer' prometheusUrl: is required");

        endpoint.setRouter(new WebhookRouterSettings("http://router:8080"));
        endpoint.setPrometheusUrl("http://prometheus:9090");
        assertThat(endpoint.missingSettings()).isEmpty();
    }
}
