package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import io.mlrollout.core.rollout.RolloutState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.TransientActionFactory;

/**
 * A job's "ML Rollout trend" page at {@code <job>/ml-rollout-trend/}: its recent rollouts by outcome, with the time
 * each took from start to decision. Jenkins asks for it on every job page, so whether to show the link looks at the
 * last few builds only.
 */
public class RolloutTrend implements Action {

    /** How many builds back the page looks. */
    static final int BUILDS = 30;
    /** How many builds back the link looks for a rollout before it shows. */
    static final int LINK_BUILDS = 5;

    private final Job<?, ?> job;

    RolloutTrend(Job<?, ?> job) {
        this.job = job;
    }

    /** Adds the trend to jobs whose recent builds ran a rollout. */
    @Extension
    public static final class Factory extends TransientActionFactory<Job> {
        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @Override
        public @NonNull Collection<? extends Action> createFor(@NonNull Job target) {
            RolloutTrend trend = new RolloutTrend(target);
            return trend.rows(LINK_BUILDS).isEmpty() ? List.of() : List.of(trend);
        }
    }

    @Override
    public String getIconFileName() {
        return "symbol-analytics";
    }

    @Override
    public String getDisplayName() {
        return Messages.RolloutTrend_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "ml-rollout-trend";
    }

    public Job<?, ?> getJob() {
        return job;
    }

    /** One rollout of one build. */
    public static final class Row {
        private final RolloutAction rollout;
        private final RolloutState state;

        Row(RolloutAction rollout) {
            this.rollout = rollout;
            this.state = rollout.state();
        }

        public Run<?, ?> getRun() {
            return rollout.getRun();
        }

        public String getUrl() {
            return rollout.getRun().getUrl() + rollout.getUrlName() + "/";
        }

        public String getEndpoint() {
            return rollout.getEndpoint();
        }

        public String getCandidate() {
            return state.subject().candidate();
        }

        /** The phase it came to rest in, or where it is while it moves. */
        public String getOutcome() {
            return state.phase().name();
        }

        public String getStarted() {
            return RolloutApi.time(state.subject().startedAt());
        }

        /** From the start to the phase it rests in, e.g. {@code 42m 10s}; empty while it is still under way. */
        public String getTimeToDecision() {
            return state.phase().isResting() ? StatusText.until(state.subject().startedAt(), state.phaseSince()) : "";
        }
    }

    /** How many rollouts ended in one outcome, and their share of all, for the bars. */
    public static final class Count {
        private final String outcome;
        private final int count;
        private final int percent;

        Count(String outcome, int count, int percent) {
            this.outcome = outcome;
            this.count = count;
            this.percent = percent;
        }

        public String getOutcome() {
            return outcome;
        }

        public int getCount() {
            return count;
        }

        public int getPercent() {
            return percent;
        }
    }

    /** The rollouts of the last {@link #BUILDS} builds, newest first. */
    public List<Row> getRows() {
        return rows(BUILDS);
    }

    /** The same rollouts counted by outcome, most frequent first. */
    public List<Count> getCounts() {
        List<Row> rows = getRows();
        Map<String, Integer> counts = new LinkedHashMap<>();
        rows.forEach(row -> counts.merge(row.getOutcome(), 1, Integer::sum));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> new Count(e.getKey(), e.getValue(), e.getValue() * 100 / rows.size()))
                .toList();
    }

    private List<Row> rows(int builds) {
        List<Row> rows = new ArrayList<>();
        @CheckForNull Run<?, ?> run = job.getLastBuild();
        for (int i = 0; i < builds && run != null; i++, run = run.getPreviousBuild()) {
            run.getActions(RolloutAction.class).forEach(action -> rows.add(new Row(action)));
        }
        return rows;
    }
}
