package io.mlrollout.cli;

import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import java.util.List;

/** Several listeners as one, called in order: the files first, so nothing is shown that was not recorded. */
final class Listeners implements RolloutDriver.Listener {

    private final List<RolloutDriver.Listener> all;

    private Listeners(List<RolloutDriver.Listener> all) {
        this.all = List.copyOf(all);
    }

    static RolloutDriver.Listener of(RolloutDriver.Listener... listeners) {
        return new Listeners(List.of(listeners));
    }

    @Override
    public void recorded(RolloutEvent event) {
        all.forEach(listener -> listener.recorded(event));
    }

    @Override
    public void saved(RolloutState state) {
        all.forEach(listener -> listener.saved(state));
    }

    @Override
    public void rested(RolloutState state) {
        all.forEach(listener -> listener.rested(state));
    }
}
