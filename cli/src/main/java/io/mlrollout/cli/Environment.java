package io.mlrollout.cli;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the commands take from outside their arguments: the environment variables (secrets, the CI's names for the
 * run and the person), how time passes, and how metrics are read. {@link #system()} is the real world; tests pass
 * simulated time and the simulator's metrics.
 *
 * @param variables environment variables
 * @param time makes the time one command run lets pass
 * @param metrics makes the metrics source for an endpoint's Prometheus
 */
public record Environment(Map<String, String> variables, Supplier<RolloutTime> time, MetricsFactory metrics) {

    /** Makes the metrics source an endpoint file describes. */
    @FunctionalInterface
    public interface MetricsFactory {
        MetricsSource create(EndpointFile.Prometheus prometheus, Credential credential);
    }

    public Environment {
        variables = Map.copyOf(variables);
    }

    /** The process's environment, real time and Prometheus. */
    public static Environment system() {
        return new Environment(
                System.getenv(),
                RealTime::new,
                (prometheus, credential) -> new PrometheusMetricsSource(
                        prometheus.url(), credential, prometheus.http(), prometheus.namespace()));
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isEmpty());
    }

    /**
     * Who runs the command, as the CI names them: GitHub's actor, GitLab's user, else the login name ({@code $USER},
     * {@code $LOGNAME}, else the account the JVM runs as, which is set even where the shell's variables are not, as in
     * a container's entrypoint).
     */
    public String actor() {
        return Stream.of("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "USER", "LOGNAME", "USERNAME")
                .map(this::variable)
                .flatMap(Optional::stream)
                .findFirst()
                .or(() -> Optional.ofNullable(System.getProperty("user.name"))
                        .filter(name -> !name.isBlank() && !name.equals("?")))
                .orElse("unknown (set --by, or $USER)");
    }

    /** An id for a new rollout: the CI's run id when there is one. */
    public String runId(Instant now) {
        return variable("GITHUB_RUN_ID")
                .map(id -> "github-" + id
                        + variable("GITHUB_RUN_ATTEMPT").map(a -> "." + a).orElse(""))
                .or(() -> variable("CI_PIPELINE_ID").map(id -> "gitlab-" + id))
                .orElse("cli-" + now.getEpochSecond());
    }
}
