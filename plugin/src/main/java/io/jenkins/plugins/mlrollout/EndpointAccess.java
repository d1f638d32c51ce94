package io.jenkins.plugins.mlrollout;

import hudson.AbortException;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import org.springframework.security.core.Authentication;

/**
 * Which builds may drive an endpoint. An administrator lists the jobs and folders in the endpoint's <em>allowed
 * jobs</em>; a step of any other job is refused before it looks up a credential or touches the router. The job's full
 * name is what is matched, and the authentication the build runs as (its authorize-project identity, or SYSTEM without
 * such a strategy) must be allowed to build the job, so a job cannot borrow the rights of one it merely names.
 */
final class EndpointAccess {

    private EndpointAccess() {}

    /**
     * @param step the step asking, for the message, e.g. {@code mlCanary}
     * @param authentication who the build runs as, taken on the Pipeline's thread
     * @throws AbortException naming the endpoint and the job when the job may not use the endpoint
     */
    static void check(String step, ModelEndpoint endpoint, Run<?, ?> run, Authentication authentication)
            throws AbortException {
        Job<?, ?> job = run.getParent();
        String name = job.getFullName();
        if (!endpoint.allowsJob(name)) {
            throw new AbortException(step + ": job '" + name + "' may not use endpoint '" + endpoint.getName()
                    + "': it is not in the endpoint's allowed jobs ("
                    + (endpoint.allowedJobNames().isEmpty() ? "none" : String.join(", ", endpoint.allowedJobNames()))
                    + "). An administrator can add it in Manage Jenkins → System → ML Rollout. Nothing was moved.");
        }
        if (!job.hasPermission2(authentication, Item.BUILD)) {
            throw new AbortException(step + ": job '" + name + "' may not use endpoint '" + endpoint.getName()
                    + "': the build runs as '" + authentication.getName()
                    + "', who may not build the job. Nothing was moved.");
        }
    }
}
