package io.mlrollout.core.metrics;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a real Prometheus scraping a {@link io.mlrollout.simulator.Simulator} every second. Test
 * methods and {@code @BeforeAll} methods receive the {@code Simulator} and the {@code PrometheusServer} as
 * parameters. Without a prometheus binary the class is skipped, unless CI=true, where it fails. Public for the
 * end-to-end tests in other packages.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrometheusExtension.class)
public @interface RealPrometheus {}
