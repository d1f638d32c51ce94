package io.mlrollout.cli.bench;

/** The judges the benchmark compares, in the order tables and charts show them. */
enum Contender {
    OURS_P99("ours (p99 only)"),
    OURS("ours (p99 + slow-requests)"),
    KAYENTA("kayenta"),
    KAYENTA_TUNED("kayenta (tuned to 1%)"),
    KAYENTA_AT_MARGINS("kayenta (tuned to 1% at the margins)"),
    THRESHOLD("threshold"),
    CLAIRVOYANT("clairvoyant"),
    CLAIRVOYANT_ONE_LOOK("clairvoyant (one look at minute " + OneLookJudge.MINUTE + ")"),
    ORACLE("oracle");

    private final String label;

    Contender(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The label when the latency metrics read {@code quantile}: "ours (p95 only)" for 0.95. */
    String label(double quantile) {
        return label.replace(BenchSetup.quantileName(BenchSetup.DEFAULT_QUANTILE), BenchSetup.quantileName(quantile));
    }

    /**
     * A fresh judge for one cell; judges are confined to the thread that runs the cell.
     *
     * @param kayentaTuning the schedule of the tuned Kayenta-style judge at this traffic
     * @param kayentaMarginTuning the schedule and effect sizes of the one tuned at the margins
     * @param slowThresholdMs the threshold of our slow-requests metric
     * @param quantile the quantile our latency metric reads (the other judges read the generator's)
     */
    RolloutJudge judgeFor(
            Scenario scenario,
            TrafficCalibration calibration,
            KayentaTuning kayentaTuning,
            KayentaMarginTuning kayentaMarginTuning,
            double slowThresholdMs,
            double quantile) {
        return switch (this) {
            case OURS_P99 -> new OurJudge(BenchSetup.policy(quantile));
            case OURS -> new OurJudge(BenchSetup.policyWithSlowRequests(slowThresholdMs, quantile));
            case KAYENTA -> new KayentaJudge(KayentaSchedule.EVERY_MINUTE);
            case KAYENTA_TUNED -> new KayentaJudge(kayentaTuning.schedule());
            case KAYENTA_AT_MARGINS -> kayentaMarginTuning.judge();
            case THRESHOLD -> new ThresholdJudge(calibration);
            case CLAIRVOYANT -> new ClairvoyantJudge(calibration);
            case CLAIRVOYANT_ONE_LOOK -> new OneLookJudge(calibration);
            case ORACLE -> new OracleJudge(scenario);
        };
    }
}
