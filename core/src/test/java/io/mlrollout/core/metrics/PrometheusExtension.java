package io.mlrollout.core.metrics;

import io.mlrollout.simulator.Simulator;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link Simulator} and a real Prometheus scraping it for a test class, and stops both after it. See {@link
 * RealPrometheus}.
 */
final class PrometheusExtension implements BeforeAllCallback, ParameterResolver {

    static final String INSTALL_HINT = "install it with `apt-get install prometheus` (Debian)";
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PrometheusExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> binary = PrometheusProcess.findBinary();
        if (binary.isEmpty()) {
            String message = "no prometheus binary on the PATH: " + INSTALL_HINT;
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI must run the real-Prometheus tests");
            }
            Assumptions.abort(message);
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        Simulator simulator = Simulator.builder().seed(42).build().start();
        store.put(Simulator.class, simulator); // closed by JUnit with the class's store, as is Prometheus
        PrometheusProcess prometheus = PrometheusProcess.start(binary.get(), "127.0.0.1:" + simulator.port());
        store.put(PrometheusProcess.class, prometheus);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Simulator.class || type == PrometheusProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        return type == Simulator.class
                ? store.get(Simulator.class, Simulator.class)
                : store.get(PrometheusProcess.class, PrometheusProcess.class);
    }
}
