package io.mlrollout.cli.bench;

/** The judges the benchmark compares, in the order tables and charts show them. */
enum Contender {
    OURS_P99("ours (p99 only)"),
    OURS("ours (p99 + slow-requests)"),
    KAYENTA("kayenta"),
    KAYENTA_TUNED("kayenta (tuned to 1%)"),
    THRESHOLD("threshold"),
    CLAIRVOYANT("clairvoyant"),
    ORACLE("oracle");

    private final String label;

    Contender(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /**
     * A fresh judge for one cell; judges are confined to the thread that runs the cell.
     *
     * @param kayentaTuning the schedule of the tuned Kayenta-style judge at this traffic
     * @param slowThresholdMs the threshold of our slow-requests metric
     */
    RolloutJudge judgeFor(
            Scenario scenario, TrafficCalibration calibration, KayentaTuning kayentaTuning, double slowThresholdMs) {
        return switch (this) {
            case OURS_P99 -> new OurJudge(BenchSetup.policy());
            case OURS -> new OurJudge(BenchSetup.policyWithSlowRequests(slowThresholdMs));
            case KAYENTA -> new KayentaJudge(KayentaSchedule.EVERY_MINUTE);
            case KAYENTA_TUNED -> new KayentaJudge(kayentaTuning.schedule());
            case THRESHOLD -> new ThresholdJudge(calibration);
            case CLAIRVOYANT -> new ClairvoyantJudge(calibration);
            case ORACLE -> new OracleJudge(scenario);
        };
    }
}
