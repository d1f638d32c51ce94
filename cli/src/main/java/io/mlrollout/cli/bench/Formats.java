package io.mlrollout.cli.bench;

import java.util.List;
import java.util.Locale;

/** How the benchmark prints numbers, the same in the table, the CSV and the chart (locale-independent). */
final class Formats {

    private Formats() {}

    /** A number without trailing zeros: 2, 1.25, 0.004. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.4g", value);
        if (text.contains("e") || text.contains("E")) {
            return text;
        }
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    /** A share as a percentage with one decimal: 0.0123 → "1.2%". */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    /** A rollback rate with its 95% interval: "0.4% [0.1–1.0%]". */
    static String rateWithInterval(CellResult cell) {
        double[] interval = cell.rollbackInterval();
        return percent(cell.rollbackRate()) + " [" + String.format(Locale.ROOT, "%.1f", interval[0] * 100) + "–"
                + percent(interval[1]) + "]";
    }

    /** Minutes to a rollback, or "&gt;70" when the share of runs asked for did not roll back within the rollout. */
    static String minutes(int look) {
        return RolloutJudge.rolledBack(look) ? Integer.toString(look) : ">" + BenchSetup.MINUTES;
    }

    /**
     * Our median time over another judge's: "0.50"; "&lt;0.45" when the other did not roll back within the rollout (so the
     * ratio is below ours/70); "&gt;2.0" when only the other rolled back; "–" when neither did.
     */
    static String ratio(int ours, int theirs) {
        if (!RolloutJudge.rolledBack(ours) && !RolloutJudge.rolledBack(theirs)) {
            return "–";
        }
        if (!RolloutJudge.rolledBack(theirs)) {
            return "<" + String.format(Locale.ROOT, "%.2f", (double) ours / BenchSetup.MINUTES);
        }
        if (!RolloutJudge.rolledBack(ours)) {
            return ">" + String.format(Locale.ROOT, "%.2f", (double) BenchSetup.MINUTES / theirs);
        }
        return String.format(Locale.ROOT, "%.2f", (double) ours / theirs);
    }

    /** The calibration of one traffic level in words, its latency threshold on {@code quantile}. */
    static String describe(TrafficCalibration c, double quantile) {
        return String.format(
                Locale.ROOT,
                "threshold judge: error ratio > %.2f%% or %s > %.1f ms in %d minutes; clairvoyant: pooled log ratio"
                        + " %.2f (errors) or %.2f (requests over %.0f ms) standard deviations above a candidate at"
                        + " the margin; one look at minute %d: pooled log ratio above %.3f (errors) or %.3f (requests"
                        + " over %.0f ms)",
                c.errorThreshold() * 100,
                BenchSetup.quantileName(quantile),
                c.latencyThreshold(),
                ThresholdJudge.FAILED_CHECKS,
                c.errorsNull().crossing(),
                c.slowRequestsNull().crossing(),
                OracleJudge.LATENCY_BOUND_MS,
                OneLookJudge.MINUTE,
                c.errorsNull().exceededAt()[OneLookJudge.MINUTE - 1],
                c.slowRequestsNull().exceededAt()[OneLookJudge.MINUTE - 1],
                OracleJudge.LATENCY_BOUND_MS);
    }

    /** A Kayenta tuning in words: the knobs as Kayenta names them, and what they did on the calibration rollouts. */
    static String describe(KayentaTuning t) {
        KayentaCalibration.Outcome o = t.outcome();
        KayentaSchedule s = t.schedule();
        return String.format(
                Locale.ROOT,
                "beginAfterMins %d, analysisIntervalMins %d, lifetimeDurationMins %d (confidence %s, fixed in Kayenta);"
                        + " on calibration rollouts A/A %s (%d of %d), 2x errors %s caught, median %s min (of %d)",
                s.beginAfterMins(),
                s.analysisIntervalMins(),
                BenchSetup.MINUTES - s.beginAfterMins(),
                percent(KayentaClassifier.CONFIDENCE).replace(".0%", "%"),
                percentTwo(o.aaRate()),
                o.aaRollbacks(),
                o.aaRuns(),
                percent((double) o.errors().rollbacks() / o.errors().runs()),
                minutes(o.errors().median()),
                o.errors().runs());
    }

    /** A Kayenta tuning held to the margins in words: its knobs, then what it did on the calibration rollouts. */
    static String describe(KayentaMarginTuning t, double quantile) {
        KayentaMarginCalibration.Outcome o = t.outcome();
        KayentaSchedule s = t.schedule();
        String name = BenchSetup.quantileName(quantile);
        List<Integer> rollbacks = o.allowedRollbacks();
        return String.format(
                Locale.ROOT,
                "beginAfterMins %d, analysisIntervalMins %d, allowedIncrease %s (errors) and %s (%s); on calibration"
                        + " rollouts A/A %d, errors 1.1x %d, %s +5%% %d rolled back (of %d each), 2x errors %s caught,"
                        + " median %s min, %s +25%% %s caught, median %s min (of %d each)",
                s.beginAfterMins(),
                s.analysisIntervalMins(),
                number(t.errorsAllowedIncrease()),
                number(t.latencyAllowedIncrease()),
                name,
                rollbacks.get(0),
                rollbacks.get(1),
                name,
                rollbacks.get(2),
                o.allowedRuns(),
                percent((double) o.errors().rollbacks() / o.errors().runs()),
                minutes(o.errors().median()),
                name,
                percent((double) o.latency().rollbacks() / o.latency().runs()),
                minutes(o.latency().median()),
                o.errors().runs());
    }

    private static String percentTwo(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }
}
