package io.mlrollout.cli.bench;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.Judge;
import io.mlrollout.core.analysis.JudgeState;
import io.mlrollout.core.analysis.LookContext;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.RolloutStateCodec;
import io.mlrollout.core.time.ExecutorScheduler;
import io.mlrollout.core.time.VirtualTime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What rollouts cost the controller while they wait, measured with the real engine and driver.
 *
 * <ol>
 *   <li>{@code rollouts} rollouts of the benchmark's policy start on one {@link VirtualTime} against in-memory endpoints
 *       and bake for {@link #LOOKS_BEFORE_WAITING} minutes, so each carries half a stage of evidence; their states are
 *       saved as JSON.
 *   <li>As after a controller restart, each is resumed from its JSON into a new {@link RolloutDriver} with its own
 *       freshly parsed policy and engine, on one shared {@link ScheduledThreadPoolExecutor} in real time: each books its
 *       next look (ten minutes ahead) and returns. Threads (ThreadMXBean) and heap after GC (MemoryMXBean) are read
 *       before and after.
 *   <li>The CPU time of one analysis look, per metric kind: the judge alone, over whole 60-look stages of readings
 *       generated beforehand, by the thread's CPU clock.
 * </ol>
 */
final class Overhead {

    static final int LOOKS_BEFORE_WAITING = 30;

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** Stages of 60 looks timed per metric kind by {@code mlrollout bench --overhead}, after a third as many to warm up. */
    static final int CPU_STAGES = 300;

    /** Single-metric policies, one per kind, for the CPU time per look. */
    private static final Map<String, String> KIND_METRICS = new LinkedHashMap<>();

    static {
        KIND_METRICS.put("ratio", "{name: m, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 2%}");
        KIND_METRICS.put(
                "quantile", "{name: m, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 5%}");
        KIND_METRICS.put("value", "{name: m, kind: value, query: 'accuracy{version=\"${version}\"}', maxDecrease: 2%}");
        KIND_METRICS.put(
                "distribution",
                "{name: m, kind: distribution, histogram: 'score_bucket{version=\"${version}\"}', maxPsi: 0.2}");
    }

    /**
     * The measurements.
     *
     * @param threadsBefore live threads before the waiting rollouts were resumed
     * @param threadsAfter live threads with all of them waiting
     * @param heapBefore heap in use after GC before, bytes
     * @param heapAfter heap in use after GC with all of them waiting, bytes
     * @param scheduledTasks tasks the shared executor holds (one booked look per rollout)
     * @param stateBytesMean mean size of a waiting rollout's persisted JSON state, bytes
     * @param stateBytesMax largest such state, bytes
     * @param cpuMicrosPerLook CPU time of one look, µs, by metric kind
     */
    record Figures(
            int rollouts,
            int threadsBefore,
            int threadsAfter,
            long heapBefore,
            long heapAfter,
            int scheduledTasks,
            double stateBytesMean,
            int stateBytesMax,
            Map<String, Double> cpuMicrosPerLook) {

        Figures {
            cpuMicrosPerLook = Collections.unmodifiableMap(new LinkedHashMap<>(cpuMicrosPerLook));
        }

        double heapPerRollout() {
            return (double) (heapAfter - heapBefore) / rollouts;
        }

        String markdown() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    Locale.ROOT,
                    "| measure | value |%n|---|---|%n"
                            + "| waiting rollouts (real drivers, %d looks of evidence each) | %d |%n"
                            + "| tasks booked on the one shared scheduler | %d |%n"
                            + "| live threads before / with all waiting | %d / %d |%n"
                            + "| heap after GC before / with all waiting | %.1f MiB / %.1f MiB |%n"
                            + "| heap per waiting rollout | %.1f KiB |%n"
                            + "| persisted JSON state per rollout, mean / largest | %.1f KiB / %.1f KiB |%n",
                    LOOKS_BEFORE_WAITING,
                    rollouts,
                    scheduledTasks,
                    threadsBefore,
                    threadsAfter,
                    heapBefore / 1048576.0,
                    heapAfter / 1048576.0,
                    heapPerRollout() / 1024,
                    stateBytesMean / 1024,
                    stateBytesMax / 1024.0));
            cpuMicrosPerLook.forEach((kind, micros) -> out.append(String.format(
                    Locale.ROOT,
                    "| CPU per analysis look, one %s metric (mean over 60-look stages) | %.1f µs |%n",
                    kind,
                    micros)));
            return out.toString();
        }
    }

    private Overhead() {}

    /**
     * @param rollouts waiting rollouts to hold
     * @param cpuStages stages of 60 looks timed per metric kind
     */
    static Figures measure(int rollouts, int cpuStages) {
        List<String> saved = bakeInVirtualTime(rollouts);
        int[] sizes = saved.stream()
                .mapToInt(json -> json.getBytes(StandardCharsets.UTF_8).length)
                .toArray();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        long heapBefore = heapAfterGc(memory);
        int threadsBefore = threads.getThreadCount();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        List<RolloutDriver> waiting = new ArrayList<>(rollouts);
        try {
            Instant savedAt = RolloutStateCodec.read(saved.get(0)).bake().lastLookAt();
            // Resumed ten minutes before the next look is due, so nothing runs while the heap is measured.
            Clock clock = Clock.offset(
                    Clock.systemUTC(), Duration.between(Instant.now(), savedAt.minus(Duration.ofMinutes(9))));
            ExecutorScheduler scheduler = new ExecutorScheduler(executor, clock);
            for (int i = 0; i < rollouts; i++) {
                RolloutState state = RolloutStateCodec.read(saved.get(i));
                SimulatedEndpoint endpoint = new SimulatedEndpoint(i, state.canaryWeight());
                RolloutDriver driver = new RolloutDriver(
                        new RolloutEngine(BenchSetup.policy(), Optional.empty()),
                        endpoint,
                        endpoint,
                        clock,
                        scheduler,
                        RolloutDriver.eventsTo(event -> {}),
                        state);
                driver.run();
                waiting.add(driver);
            }
            long heapAfter = heapAfterGc(memory);
            int threadsAfter = threads.getThreadCount();
            int booked = executor.getQueue().size();
            for (RolloutDriver driver : waiting) {
                if (driver.state().phase() != Phase.BAKING) {
                    throw new IllegalStateException(
                            "a resumed rollout is " + driver.state().phase() + ", not baking");
                }
            }
            return new Figures(
                    rollouts,
                    threadsBefore,
                    threadsAfter,
                    heapBefore,
                    heapAfter,
                    booked,
                    Arrays.stream(sizes).average().orElse(0),
                    Arrays.stream(sizes).max().orElse(0),
                    cpuPerLook(cpuStages));
        } finally {
            executor.shutdownNow();
        }
    }

    /** Starts the rollouts in virtual time, bakes them for a while, and returns their saved states. */
    private static List<String> bakeInVirtualTime(int rollouts) {
        VirtualTime time = new VirtualTime(T0);
        List<RolloutDriver> drivers = new ArrayList<>(rollouts);
        for (int i = 0; i < rollouts; i++) {
            SimulatedEndpoint endpoint = new SimulatedEndpoint(i, 0);
            drivers.add(RolloutDriver.start(
                    new RolloutEngine(BenchSetup.policy(), Optional.empty()),
                    endpoint,
                    endpoint,
                    time,
                    time,
                    RolloutDriver.eventsTo(event -> {}),
                    "bench-" + i,
                    "bench",
                    "v2",
                    "bench",
                    BaselineHistory.none()));
        }
        time.runUntil(T0.plus(Duration.ofMinutes(LOOKS_BEFORE_WAITING)));
        List<String> saved = new ArrayList<>(rollouts);
        for (RolloutDriver driver : drivers) {
            RolloutState state = driver.state();
            if (state.phase() != Phase.BAKING) {
                throw new IllegalStateException("rollout " + state.subject().rolloutId() + " is " + state.phase()
                        + " after " + LOOKS_BEFORE_WAITING + " minutes, not baking: " + state.reason());
            }
            saved.add(RolloutStateCodec.write(state));
        }
        return saved;
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** CPU µs per look for each metric kind, over whole stages of 60 looks. */
    static Map<String, Double> cpuPerLook(int timedStages) {
        int warmUp = Math.max(1, timedStages / 3);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> micros = new LinkedHashMap<>();
        for (Map.Entry<String, String> kind : KIND_METRICS.entrySet()) {
            Policy policy = singleMetric(kind.getValue());
            Judge judge = new Judge(policy);
            List<List<Map<String, Readings>>> stages = readings(policy, timedStages + warmUp);
            for (List<Map<String, Readings>> stage : stages.subList(0, warmUp)) {
                runStage(judge, stage);
            }
            long start = threads.getCurrentThreadCpuTime();
            for (List<Map<String, Readings>> stage : stages.subList(warmUp, stages.size())) {
                runStage(judge, stage);
            }
            long nanos = threads.getCurrentThreadCpuTime() - start;
            micros.put(kind.getKey(), nanos / 1000.0 / ((double) timedStages * BenchSetup.CANARY_LOOKS));
        }
        return micros;
    }

    private static void runStage(Judge judge, List<Map<String, Readings>> looks) {
        JudgeState state = judge.beginStage(judge.begin());
        for (int i = 0; i < looks.size(); i++) {
            state = judge.look(state, looks.get(i), LookContext.canary(0, i == looks.size() - 1))
                    .state();
        }
    }

    private static List<List<Map<String, Readings>>> readings(Policy policy, int stages) {
        MetricSpec metric = policy.metrics().get(0);
        List<List<Map<String, Readings>>> all = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            SimulatedEndpoint endpoint = new SimulatedEndpoint(s, 25);
            List<Map<String, Readings>> looks = new ArrayList<>();
            for (int i = 0; i < BenchSetup.CANARY_LOOKS; i++) {
                Window window = new Window(T0.plusSeconds(60L * i), T0.plusSeconds(60L * (i + 1)));
                looks.add(Map.of(
                        metric.name(),
                        new Readings(
                                endpoint.read(metric, "bench", "v2", window),
                                endpoint.read(metric, "bench", "v1", window))));
            }
            all.add(looks);
        }
        return all;
    }

    private static Policy singleMetric(String metric) {
        try {
            return PolicyParser.parse("stages:\n  - {weight: 25, bake: 60m}\nmetrics:\n  - " + metric + "\n");
        } catch (PolicyException e) {
            throw new IllegalStateException("overhead policy does not parse: " + e.getMessage(), e);
        }
    }
}
