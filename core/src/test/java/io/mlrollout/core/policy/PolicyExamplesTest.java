package io.mlrollout.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.policy.AnalysisSettings.Limits;
import io.mlrollout.core.policy.AnalysisSettings.OnInconclusive;
import io.mlrollout.core.policy.AnalysisSettings.ScoreThresholds;
import io.mlrollout.core.policy.MetricSpec.Kind;
import io.mlrollout.core.policy.MetricSpec.Queries;
import io.mlrollout.core.policy.RollbackSettings.OnAbort;
import io.mlrollout.core.policy.SignOffPolicy.OnExpiry;
import io.mlrollout.core.tier.TierSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples in docs/policy.md parse to what the documentation says they mean. */
class PolicyExamplesTest {

    private static final Path DOC = Path.of("..", "docs", "policy.md");

    @Test
    void theCompleteExampleParsesToTheExpectedValues() throws Exception {
        Policy policy = PolicyParser.parse(example("complete"));

        Policy expected = new Policy(
                Optional.of("fraud-scorer"),
                List.of(
                        new Stage(5, Duration.ofMinutes(10), Duration.ofMinutes(40), false),
                        new Stage(25, Duration.ofMinutes(20), true),
                        new Stage(50, Duration.ofMinutes(30), false)),
                new AnalysisSettings(
                        Duration.ofMinutes(1),
                        0.01,
                        0.6,
                        0.5,
                        1.0,
                        0.01,
                        500,
                        OnInconclusive.ROLLBACK,
                        new Limits(3, 1, 3, Duration.ofMinutes(5)),
                        new ScoreThresholds(100, 75)),
                List.of(
                        new MetricSpec(
                                "error-rate",
                                Kind.RATIO,
                                preset("istio-errors", Optional.empty(), OptionalDouble.empty()),
                                OptionalDouble.of(0.10),
                                OptionalDouble.empty(),
                                OptionalDouble.of(0.01),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                true,
                                1),
                        new MetricSpec(
                                "slow-requests",
                                Kind.RATIO,
                                preset(
                                        "istio-latency-over",
                                        Optional.of(Duration.ofMillis(250)),
                                        OptionalDouble.empty()),
                                OptionalDouble.of(0.20),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                false,
                                1),
                        new MetricSpec(
                                "p99-latency",
                                Kind.QUANTILE,
                                preset("istio-latency", Optional.empty(), OptionalDouble.of(0.99)),
                                OptionalDouble.of(0.15),
                                OptionalDouble.empty(),
                                OptionalDouble.of(300),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                false,
                                1),
                        new MetricSpec(
                                "score-drift",
                                Kind.DISTRIBUTION,
                                new Queries(
                                        Optional.empty(),
                                        Optional.empty(),
                                        OptionalDouble.empty(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.of("sum by (le) (model_score_bucket{version=\"${version}\"}) - sum by"
                                                + " (le) (model_score_bucket{version=\"${version}\"} offset"
                                                + " ${interval})")),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                OptionalDouble.of(0.2),
                                OptionalDouble.empty(),
                                false,
                                1),
                        new MetricSpec(
                                "accuracy",
                                Kind.VALUE,
                                new Queries(
                                        Optional.empty(),
                                        Optional.empty(),
                                        OptionalDouble.empty(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.of("avg_over_time(model_accuracy{endpoint=\"${endpoint}\","
                                                + " version=\"${version}\"}[${interval}])"),
                                        Optional.empty()),
                                OptionalDouble.empty(),
                                OptionalDouble.of(0.02),
                                OptionalDouble.empty(),
                                OptionalDouble.of(0.9),
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                false,
                                2)),
                Optional.of(new SignOffPolicy(
                        List.of("alice", "ml-risk"), 2, false, Duration.ofHours(24), OnExpiry.ROLLBACK)),
                new PromoteSettings(Duration.ofMinutes(30), 10, true),
                new RollbackSettings(true, OnAbort.ROLLBACK),
                false,
                Optional.empty(),
                ScheduleSettings.defaults(),
                List.of(),
                EvidenceSettings.none(),
                TierSettings.none());
        assertThat(policy).isEqualTo(expected);
    }

    @Test
    void yamlAndJsonGiveTheSamePolicy() throws Exception {
        assertThat(PolicyParser.parse(example("complete-json"))).isEqualTo(PolicyParser.parse(example("complete")));
    }

    @Test
    void theMinimalExampleTakesTheDocumentedDefaults() throws Exception {
        Policy policy = PolicyParser.parse(example("minimal"));

        assertThat(policy.endpoint()).isEmpty();
        assertThat(policy.stages())
                .containsExactly(
                        new Stage(10, Duration.ofMinutes(15), false), new Stage(50, Duration.ofMinutes(15), false));
        assertThat(policy.analysis())
                .isEqualTo(new AnalysisSettings(
                        Duration.ofMinutes(1),
                        0.01,
                        0.6,
                        500,
                        OnInconclusive.ROLLBACK,
                        new Limits(3, 1, 3, Duration.ofMinutes(5)),
                        new ScoreThresholds(100, 75)));
        assertThat(policy.metrics()).singleElement().satisfies(metric -> {
            assertThat(metric.critical()).isTrue();
            assertThat(metric.weight()).isEqualTo(1.0);
            assertThat(metric.maxIncrease()).hasValue(0.10);
            assertThat(metric.max()).isEmpty();
        });
        assertThat(policy.signOff()).isEmpty();
        assertThat(policy.promote()).isEqualTo(new PromoteSettings(Duration.ofMinutes(10), true));
        assertThat(policy.rollback()).isEqualTo(new RollbackSettings(true, OnAbort.ROLLBACK));
        assertThat(policy.dryRun()).isFalse();
    }

    @Test
    void anEmptySignOffSectionTakesTheDocumentedDefaults() throws Exception {
        Policy policy = PolicyParser.parse(Policies.with("signOff: {}\n"));

        assertThat(policy.signOff())
                .contains(new SignOffPolicy(
                        List.of(), SignOffPolicy.ENDPOINT_MINIMUM, false, Duration.ofHours(24), OnExpiry.ROLLBACK));
        assertThat(policy.signOff().orElseThrow().statesQuorum()).isFalse();
    }

    @Test
    void enumWordsAndOtherSpellingsAreRead() throws Exception {
        Policy policy = PolicyParser.parse(Policies.with("""
                analysis: {onInconclusive: signOff, interval: 30s, falseRollbackRate: 0.5%, maxAutocorrelation: 0}
                signOff: {approvers: ['no', bob], onExpiry: hold}
                rollback: {automatic: false, onAbort: hold}
                dryRun: true
                """));

        assertThat(policy.analysis().onInconclusive()).isEqualTo(OnInconclusive.SIGN_OFF);
        assertThat(policy.analysis().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.analysis().falseRollbackRate()).isEqualTo(0.005);
        assertThat(policy.analysis().maxAutocorrelation()).isZero();
        assertThat(policy.signOff().orElseThrow().approvers()).containsExactly("no", "bob");
        assertThat(policy.signOff().orElseThrow().onExpiry()).isEqualTo(OnExpiry.HOLD);
        assertThat(policy.rollback()).isEqualTo(new RollbackSettings(false, OnAbort.HOLD));
        assertThat(policy.dryRun()).isTrue();
    }

    @Test
    void anUnquotedNoAmongApproversStaysAName() throws Exception {
        // YAML 1.1 reads a bare no as false; a person's id must not turn into a boolean.
        Policy policy = PolicyParser.parse(Policies.with("signOff: {approvers: [no, alice], quorum: 2}\n"));

        assertThat(policy.signOff().orElseThrow().approvers()).containsExactly("no", "alice");
    }

    @Test
    void jsonWithTabsAndEscapedSlashesIsRead() throws Exception {
        String json = "{\n\t\"endpoint\": \"fraud\\/scorer\",\n\t\"stages\": [{\"weight\": 5, \"bake\": \"10m\"}],\n"
                + "\t\"metrics\": [{\"name\": \"errors\", \"kind\": \"ratio\", \"preset\": \"istio-errors\","
                + " \"maxIncrease\": \"10%\"}]\n}";

        // fraud/scorer is not an endpoint name, which proves the JSON reader (not YAML's) read the escape.
        Policies.assertRefused(
                json,
                "endpoint",
                "'fraud/scorer' is not an endpoint name: use lower-case letters, digits and -, not starting with -");
    }

    @Test
    void aYamlFlowMappingOnOneLineIsRead() throws Exception {
        Policy policy = PolicyParser.parse("{stages: [{weight: 5, bake: 10m}], metrics: [{name: e, kind: ratio,"
                + " preset: istio-errors, max: 1%}]}");

        assertThat(policy.stages()).containsExactly(new Stage(5, Duration.ofMinutes(10), false));
        assertThat(policy.metrics().get(0).max()).hasValue(0.01);
    }

    private static Queries preset(String name, Optional<Duration> threshold, OptionalDouble quantile) {
        return new Queries(
                Optional.of(name),
                threshold,
                quantile,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** The code block after the {@code <!-- example: name -->} marker in docs/policy.md. */
    static String example(String name) throws IOException {
        String doc = Files.readString(DOC);
        Matcher block = Pattern.compile(
                        "<!-- example: " + Pattern.quote(name) + " -->\\s*```\\w+\\n(.*?)```", Pattern.DOTALL)
                .matcher(doc);
        assertThat(block.find()).as("example %s in %s", name, DOC).isTrue();
        return block.group(1);
    }
}
