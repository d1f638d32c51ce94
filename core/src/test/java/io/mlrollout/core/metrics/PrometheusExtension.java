package io.mlrollout.core.metrics;

import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import java.io.File;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link Simulator} and a real Prometheus ({@link PrometheusServer}) scraping it for a test class, and stops
 * both after it. See {@link RealPrometheus}.
 */
final class PrometheusExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PrometheusExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // Debian installs it as /usr/bin/prometheus, which a test JVM's PATH might lack.
        Optional<Path> binary = PrometheusServer.findBinary(
                Objects.requireNonNullElse(System.getenv("PATH"), "") + File.pathSeparator + "/usr/bin");
        if (binary.isEmpty()) {
            String message = "no prometheus binary on the PATH: " + PrometheusServer.INSTALL_HINT;
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI must run the real-Prometheus tests");
            }
            Assumptions.abort(message);
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        Simulator simulator = Simulator.builder().seed(42).build().start();
        store.put(Simulator.class, simulator); // closed by JUnit with the class's store, as is Prometheus
        PrometheusServer prometheus = PrometheusServer.start(binary.get(), "127.0.0.1:" + simulator.port());
        store.put(PrometheusServer.class, prometheus);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Simulator.class || type == PrometheusServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        return type == Simulator.class
                ? store.get(Simulator.class, Simulator.class)
                : store.get(PrometheusServer.class, PrometheusServer.class);
    }
}
