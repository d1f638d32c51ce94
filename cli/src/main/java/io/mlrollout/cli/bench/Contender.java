package io.mlrollout.cli.bench;

/** The judges the benchmark compares, in the order tables and charts show them. */
enum Contender {
    OURS("ours"),
    KAYENTA("kayenta"),
    THRESHOLD("threshold"),
    ORACLE("oracle");

    private final String label;

    Contender(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** A fresh judge for one cell; judges are confined to the thread that runs the cell. */
    RolloutJudge judgeFor(Scenario scenario, TrafficCalibration calibration) {
        return switch (this) {
            case OURS -> new OurJudge();
            case KAYENTA -> new KayentaJudge();
            case THRESHOLD -> new ThresholdJudge(calibration);
            case ORACLE -> new OracleJudge(scenario, calibration);
        };
    }
}
