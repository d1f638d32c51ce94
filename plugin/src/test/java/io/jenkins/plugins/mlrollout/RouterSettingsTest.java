package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.http.Credential;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

class RouterSettingsTest {

    private static final String API = "https://kubernetes.default.svc";

    @Test
    void webhookNeedsAnHttpUrl() {
        WebhookRouterSettings webhook = new WebhookRouterSettings(" http://router:8080 ");
        webhook.setCredentialsId(" router-token ");
        assertThat(webhook.getUrl()).isEqualTo("http://router:8080");
        assertThat(webhook.getCredentialsId()).isEqualTo("router-token");
        assertThatThrownBy(() -> new WebhookRouterSettings(null)).hasMessage("url: is required");
    }

    @Test
    void istioKeepsItsRouteAndDestinations() {
        IstioRouterSettings istio = new IstioRouterSettings(API, "ml", "fraud-scorer", "fraud-scorer", "fraud-scorer");
        istio.setRouteName(" primary ");
        istio.setBaselineSubset("v1");
        istio.setCanarySubset("v2");
        assertThat(istio.getKubernetesUrl()).isEqualTo(API);
        assertThat(istio.getNamespace()).isEqualTo("ml");
        assertThat(istio.getVirtualService()).isEqualTo("fraud-scorer");
        assertThat(istio.getRouteName()).isEqualTo("primary");
        assertThat(istio.getBaselineSubset()).isEqualTo("v1");
        assertThat(istio.getCanarySubset()).isEqualTo("v2");

        istio.setRouteName("");
        istio.setCanarySubset(null);
        assertThat(istio.getRouteName()).isNull();
        assertThat(istio.getCanarySubset()).isNull();
    }

    @Test
    void istioRefusesBadInputNamingTheField() {
        assertThatThrownBy(() -> new IstioRouterSettings(API, "ml", "fraud-scorer", "baseline", ""))
                .hasMessage("canaryHost: is required");
        assertThatThrownBy(() -> new IstioRouterSettings("kubernetes", "ml", "vs", "a", "b"))
                .hasMessage("kubernetesUrl: must start with http:// or https://");
        assertThatThrownBy(() -> new IstioRouterSettings(API, "ML", "vs", "a", "b"))
                .hasMessageStartingWith("namespace: 'ML' is not a valid Kubernetes label");
        IstioRouterSettings istio = new IstioRouterSettings(API, "ml", "vs", "a", "b");
        assertThatThrownBy(() -> istio.setBaselineSubset("V1")).hasMessageStartingWith("baselineSubset: 'V1'");
    }

    @Test
    void gatewayApiRuleIndexIsNotNegative() {
        GatewayApiRouterSettings route = new GatewayApiRouterSettings(API, "ml", "scorer", "scorer-v1", "scorer-v2");
        assertThat(route.getRuleIndex()).isZero();
        route.setRuleIndex(2);
        assertThat(route.getRuleIndex()).isEqualTo(2);
        assertThatThrownBy(() -> route.setRuleIndex(-1)).hasMessage("ruleIndex: must be 0 or more, not -1");
        assertThatThrownBy(() -> new GatewayApiRouterSettings(API, "ml", "scorer", "", "scorer-v2"))
                .hasMessage("baselineBackend: is required");
    }

    @Test
    void aKubernetesRouterTrustsTheCertificateAuthorityItIsGiven() {
        String pem = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("kubernetes-ca")
                .build()
                .certificatePem();
        KServeRouterSettings kserve = new KServeRouterSettings(API, "ml", "fraud-scorer");
        assertThat(kserve.connection(Credential.NONE).caCertificatePem()).isEmpty();

        kserve.setCaCertificatePem("\n" + pem + "\n");

        assertThat(kserve.getCaCertificatePem()).isEqualTo(pem.strip());
        assertThat(kserve.connection(Credential.NONE).caCertificatePem()).contains(pem.strip());
        kserve.setCaCertificatePem("  ");
        assertThat(kserve.getCaCertificatePem()).isNull();
    }

    @Test
    void aCertificateAuthorityThatIsNotPemIsRefusedNamingTheField() {
        IstioRouterSettings istio = new IstioRouterSettings(API, "ml", "vs", "a", "b");

        assertThatThrownBy(() -> istio.setCaCertificatePem("certificate-authority-data: LS0tLS1CRUdJTi"))
                .hasMessageStartingWith("caCertificatePem: ");
        assertThat(istio.getCaCertificatePem()).isNull();
    }

    @Test
    void kserveNeedsItsInferenceService() {
        KServeRouterSettings kserve = new KServeRouterSettings(API, "ml", "fraud-scorer");
        assertThat(kserve.getInferenceService()).isEqualTo("fraud-scorer");
        assertThatThrownBy(() -> new KServeRouterSettings(API, "ml", "Fraud_Scorer"))
                .hasMessageStartingWith("inferenceService: 'Fraud_Scorer' is not a valid Kubernetes name");
    }
}
