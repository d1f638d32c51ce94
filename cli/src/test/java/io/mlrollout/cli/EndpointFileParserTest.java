package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.traffic.IstioRouter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Endpoint files as docs/cli.md shows them: every router type, the credentials by variable name, the bounds. */
class EndpointFileParserTest {

    private static final Environment ENV = new Environment(
            Map.of("ROUTER_TOKEN", "t0ken", "K8S_TOKEN", "k8s-t0ken", "PROM_PASSWORD", "pw"),
            () -> null,
            (prometheus, credential) -> null);

    @Test
    void aWebhookEndpointWithEveryField() throws Exception {
        EndpointFile file = EndpointFileParser.parse("""
                name: fraud-scorer
                router:
                  type: webhook
                  url: https://traffic.internal.example.com/endpoints/fraud-scorer
                  credential: {tokenEnv: ROUTER_TOKEN}
                  callTimeout: 5s
                  attempts: 4
                  firstBackoff: 100ms
                prometheus:
                  url: https://prometheus.example.com
                  namespace: ml
                  credential: {username: rollout, passwordEnv: PROM_PASSWORD}
                signOff:
                  approvers: [alice, ml-risk]
                  minimumQuorum: 2
                  allowSelfApproval: false
                """, "endpoint.yaml");

        assertThat(file.name()).isEqualTo("fraud-scorer");
        assertThat(file.router())
                .isEqualTo(new EndpointFile.Webhook(
                        URI.create("https://traffic.internal.example.com/endpoints/fraud-scorer"),
                        Optional.of(new EndpointFile.BearerToken("ROUTER_TOKEN", "router.credential.tokenEnv")),
                        new HttpSettings(Duration.ofSeconds(5), 4, Duration.ofMillis(100))));
        assertThat(file.prometheus().namespace()).isEqualTo("ml");
        assertThat(file.prometheus().credential())
                .contains(new EndpointFile.BasicAuth("rollout", "PROM_PASSWORD", "prometheus.credential.passwordEnv"));
        assertThat(file.signOff()).isEqualTo(new EndpointSignOffBounds(List.of("alice", "ml-risk"), 2, false));
        assertThat(Connectors.router(file, ENV, "endpoint.yaml").describe())
                .isEqualTo("webhook https://traffic.internal.example.com/endpoints/fraud-scorer");
    }

    @Test
    void anIstioEndpointWithTheNamesJenkinsUses() throws Exception {
        EndpointFile file = EndpointFileParser.parse("""
                name: fraud-scorer
                router:
                  type: istio
                  kubernetesUrl: https://10.0.0.1:6443
                  namespace: ml
                  credential: {tokenEnv: K8S_TOKEN}
                  virtualService: fraud-scorer
                  routeName: primary
                  baselineHost: fraud-scorer
                  baselineSubset: v1
                  canaryHost: fraud-scorer
                  canarySubset: v2
                prometheus: {url: 'http://prometheus.monitoring:9090'}
                """, "e");

        EndpointFile.Istio istio = (EndpointFile.Istio) file.router();
        assertThat(istio.baseline()).isEqualTo(IstioRouter.Destination.subset("fraud-scorer", "v1"));
        assertThat(istio.canary()).isEqualTo(IstioRouter.Destination.subset("fraud-scorer", "v2"));
        assertThat(istio.httpRouteName()).contains("primary");
        assertThat(istio.connection().apiServer()).hasToString("https://10.0.0.1:6443");
        assertThat(file.deprecations()).isEmpty();
    }

    @Test
    void aMisspeltRouterTypeGetsASuggestion() {
        InputException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                InputException.class,
                () -> EndpointFileParser.parse(
                        "name: e\nrouter: {type: webhok, url: 'http://r'}\nprometheus: {url: 'http://p'}\n", "e"));

        assertThat(refused.getMessage()).contains("router.type: 'webhok' is not a router type; did you mean webhook?");
    }

    @Test
    void aRouterWithoutATextTypeIsRefusedByName() {
        for (String router : List.of("{url: 'http://r'}", "{type: 2, url: 'http://r'}")) {
            InputException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    InputException.class,
                    () -> EndpointFileParser.parse(
                            "name: e\nrouter: " + router + "\nprometheus: {url: 'http://p'}\n", "e"));

            assertThat(refused)
                    .as(router)
                    .hasMessageMatching("(?s)e: router\\.type: (is required|must be text); use one of webhook, istio,"
                            + " gateway-api, kserve.*");
        }
    }

    @Test
    void anIstioEndpointInTheOldSpellingIsStillReadWithAHint() throws Exception {
        EndpointFile file = EndpointFileParser.parse("""
                name: fraud-scorer
                router:
                  type: istio
                  apiServer: https://10.0.0.1:6443
                  namespace: ml
                  credential: {tokenEnv: K8S_TOKEN}
                  virtualService: fraud-scorer
                  httpRouteName: primary
                  baseline: {host: fraud-scorer, subset: v1}
                  canary: {host: fraud-scorer, subset: v2}
                prometheus: {url: 'http://prometheus.monitoring:9090'}
                """, "e");

        assertThat(file.deprecations())
                .hasSize(4)
                .anySatisfy(hint -> assertThat(hint).startsWith("router.apiServer: the old spelling of kubernetesUrl"))
                .anySatisfy(hint -> assertThat(hint).startsWith("router.baseline: {host, subset} is the old spelling"));

        EndpointFile.Istio istio = (EndpointFile.Istio) file.router();
        assertThat(istio.baseline()).isEqualTo(IstioRouter.Destination.subset("fraud-scorer", "v1"));
        assertThat(istio.httpRouteName()).contains("primary");
        assertThat(file.signOff()).isEqualTo(EndpointSignOffBounds.none());
        assertThat(Connectors.router(file, ENV, "e").describe())
                .startsWith("istio VirtualService fraud-scorer route primary at");
    }

    @Test
    void aGatewayApiAndAKServeEndpoint() throws Exception {
        EndpointFile gateway = EndpointFileParser.parse("""
                name: fraud-scorer
                router:
                  type: gateway-api
                  apiServer: https://10.0.0.1:6443
                  namespace: ml
                  httpRoute: fraud-scorer
                  ruleIndex: 1
                  baselineBackend: fraud-v1
                  canaryBackend: fraud-v2
                prometheus: {url: 'http://prometheus:9090'}
                """, "e");
        EndpointFile kserve = EndpointFileParser.parse("""
                name: fraud-scorer
                router: {type: kserve, apiServer: 'https://10.0.0.1:6443', namespace: ml, inferenceService: fraud-scorer}
                prometheus: {url: 'http://prometheus:9090'}
                """, "e");

        assertThat(((EndpointFile.GatewayApi) gateway.router()).ruleIndex()).isEqualTo(1);
        assertThat(Connectors.router(gateway, ENV, "e").describe())
                .startsWith("gateway-api HTTPRoute fraud-scorer rule 1");
        assertThat(Connectors.router(kserve, ENV, "e").describe()).contains("fraud-scorer");
    }

    @Test
    void aNameTheRouterRefusesIsBadInputNamingTheRouter() throws Exception {
        EndpointFile file = EndpointFileParser.parse("""
                name: fraud-scorer
                router: {type: kserve, apiServer: 'https://10.0.0.1:6443', namespace: ml, inferenceService: Not_A_Name}
                prometheus: {url: 'http://prometheus:9090'}
                """, "endpoint.yaml");

        assertThatThrownBy(() -> Connectors.router(file, ENV, "endpoint.yaml"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("endpoint.yaml: router: ")
                .hasMessageContaining("Not_A_Name");
    }

    @Test
    void theScheduleNamesWhoMayOpenTheWindowEarly() throws Exception {
        EndpointFile file = EndpointFileParser.parse("""
                name: fraud-scorer
                router: {type: webhook, url: 'http://r'}
                prometheus: {url: 'http://p'}
                schedule:
                  timeZone: Europe/Berlin
                  windows:
                    - {days: [mon-fri], from: '09:00', to: '17:00'}
                  overriders: [ops-lead, release-managers]
                """, "e");

        assertThat(file.windowOverriders()).containsExactly("ops-lead", "release-managers");
        assertThat(file.calendar().windows()).hasSize(1);
        assertThat(EndpointFileParser.parse(
                                "name: fraud-scorer\nrouter: {type: webhook, url: 'http://r'}\n"
                                        + "prometheus: {url: 'http://p'}\n",
                                "e")
                        .windowOverriders())
                .isEmpty();
    }

    @Test
    void aMisspeltOrMistypedOverridersIsRefusedOnce() {
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        router: {type: webhook, url: 'http://r'}
                        prometheus: {url: 'http://p'}
                        schedule: {timeZone: UTC, overrider: [ops-lead]}
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("e: schedule.overrider: ")
                .hasMessageContaining("overriders")
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        router: {type: webhook, url: 'http://r'}
                        prometheus: {url: 'http://p'}
                        schedule: {overriders: ops-lead}
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessage("e: schedule.overriders: expected a list, got 'ops-lead' (text)");
    }

    /**
     * The command line compares ids without regard to case and as written: 'OPS-LEAD' is ops-lead again, and ' carol'
     * would match nobody, so carol could not sign for the role she is listed in.
     */
    @Test
    void peopleListedTwiceByCaseOrWithSpacesAroundThemAreRefused() {
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        router: {type: webhook, url: 'http://r'}
                        prometheus: {url: 'http://p'}
                        roles:
                          risk: {members: [' carol', ml-risk], escalation: [' ']}
                        schedule: {timeZone: UTC, overriders: [ops-lead, OPS-LEAD]}
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("e: roles.risk.members[0]: ' carol' has spaces around it, so it would match"
                        + " nobody; write 'carol'")
                .hasMessageContaining("e: roles.risk.escalation[0]: is blank")
                .hasMessageContaining("e: schedule.overriders[1]: 'OPS-LEAD' is listed twice (as 'ops-lead': ids"
                        + " compare without regard to case)");
    }

    /** The floor is the administrator's: a role it misspells is refused with the file, whatever a pipeline's facts. */
    @Test
    void aTierFloorNamingARoleTheFileDoesNotDefineIsRefusedWhenTheFileIsRead() {
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        router: {type: webhook, url: 'http://r'}
                        prometheus: {url: 'http://p'}
                        roles:
                          risk: {members: [carol]}
                        tiers:
                          facts: {changeType: string}
                          floors:
                            - {when: "changeType == 'architecture'", signOff: {roles: {rsk: 1}}}
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessage("e: tiers.floors[0].signOff.roles.rsk: 'rsk' is not a role of this endpoint; did you mean"
                        + " risk?; its roles are risk");
    }

    @Test
    void aDuplicateKeyIsRefused() {
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        name: other
                        router: {type: webhook, url: 'http://r'}
                        prometheus: {url: 'http://p'}
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessage("e: name: duplicate key; each key may appear once");
    }

    @Test
    void yamlOneOneBooleanSpellingsStayText() throws Exception {
        EndpointFile file = EndpointFileParser.parse("""
                name: fraud-scorer
                router: {type: webhook, url: 'http://r'}
                prometheus: {url: 'http://p', credential: {tokenEnv: no}}
                signOff: {approvers: [yes, off]}
                """, "e");

        assertThat(file.prometheus().credential())
                .contains(new EndpointFile.BearerToken("no", "prometheus.credential.tokenEnv"));
        assertThat(file.signOff().approvers()).containsExactly("yes", "off");
    }

    @Test
    void aliasesAndASecondDocumentAreRefusedNamingTheEndpoint() {
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: &n fraud-scorer
                        router: {type: webhook, url: *n}
                        prometheus: {url: 'http://p'}
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessage("e: not valid YAML at line 2, column 32: YAML aliases (*n) are not supported in an"
                        + " endpoint; write the value out");
        assertThatThrownBy(() -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        router: {type: webhook, url: 'http://r'}
                        prometheus: {url: 'http://p'}
                        ---
                        name: other
                        """, "e"))
                .isInstanceOf(InputException.class)
                .hasMessage("e: the text holds more than one document; write one endpoint per file");
    }

    @Test
    void aSecretWrittenWhereItsVariableIsNamedIsRefusedWithoutBeingRepeated() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyb2xsb3V0In0.c2lnbmF0dXJl";
        String hook = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";
        InputException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                InputException.class, () -> EndpointFileParser.parse("""
                        name: fraud-scorer
                        router: {type: webhook, url: 'http://r', credential: {tokenEnv: '%s'}}
                        prometheus: {url: 'http://p', credential: {username: u, passwordEnv: 'pass word!'}}
                        notifications:
                          sinks:
                            - {name: team-ml, type: slack, urlEnv: '%s'}
                        """.formatted(jwt, hook), "e"));

        String notAName = "is not an environment variable name (letters, digits and _), and is not repeated here in"
                + " case it is the secret itself: give the name of the variable that holds the secret";
        assertThat(refused.errors())
                .extracting(InputError::toString)
                .containsExactly(
                        "router.credential.tokenEnv: " + notAName,
                        "prometheus.credential.passwordEnv: " + notAName,
                        "notifications.sinks[0].urlEnv: " + notAName);
        assertThat(refused.getMessage())
                .doesNotContain(jwt)
                .doesNotContain(hook)
                .doesNotContain("pass word!");
    }

    @Test
    void anEmptyFileOrNotYamlIsRefused() {
        assertThatThrownBy(() -> EndpointFileParser.parse("", "e"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("the endpoint file is empty");
        assertThatThrownBy(() -> EndpointFileParser.parse("name: [unclosed", "e"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("not valid YAML at line");
    }
}
