package io.jenkins.plugins.mlrollout;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.listeners.ItemListener;
import java.util.Map;

/**
 * At start-up, once every job is loaded, picks up the rollouts of builds that have ended but whose rollout had not
 * settled: a rollback queued when the build ended and cut short by a restart, or a canary the build left at its weight.
 * Running builds need nothing here: Pipeline resumes their steps, which pick their rollouts up. The endpoint holders say
 * where to look, since every unsettled rollout still holds its endpoint. The work runs on the plugin's threads.
 */
@Extension
public class RolloutResumer extends ItemListener {

    @Override
    public void onLoaded() {
        EndpointLocks locks = EndpointLocks.get();
        for (Map.Entry<String, EndpointLocks.Holder> held : locks.holders().entrySet()) {
            Run<?, ?> run = locks.holdingBuild(held.getValue()).orElse(null);
            if (run == null || run.isBuilding()) {
                continue;
            }
            RolloutAction.find(run, held.getKey())
                    .ifPresent(action -> RolloutServices.current().work().execute(action::resumeAfterBuild));
        }
    }
}
