package io.jenkins.plugins.mlrollout;

import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.policy.PolicyTemplate;

/**
 * The policy {@code mlCanary} runs: the one it was given, or the one a shared template makes.
 *
 * @param policy the policy, read and checked
 * @param text the policy's text as the rollout keeps it with the build (a template's, with its values filled in)
 */
record PolicyChoice(Policy policy, String text) {

    /**
     * @throws AbortException when the step gives both a policy and a template, neither, or template settings without a
     *     template; or when the policy or template is refused (with every field path)
     */
    static PolicyChoice of(MlCanaryStep step, Run<?, ?> run) throws AbortException {
        if (step.getTemplate() == null) {
            if (step.getTemplateVersion() != null || step.getTemplateParams() != null) {
                throw new AbortException("template: templateVersion and templateParams need a template; name one, or"
                        + " give the policy without them. Nothing was moved.");
            }
            if (step.getPolicy() == null || step.getPolicy().isBlank()) {
                throw new AbortException(
                        "policy: is required, or name a shared template with template:. Nothing was" + " moved.");
            }
            try {
                return new PolicyChoice(PolicyParser.parse(step.getPolicy()), step.getPolicy());
            } catch (PolicyException e) {
                throw RolloutPlan.refused("the policy", e);
            }
        }
        if (step.getPolicy() != null && !step.getPolicy().isBlank()) {
            throw new AbortException("policy, template: give a policy or a template, not both. Nothing was moved.");
        }
        PolicyTemplate.ResolvedTemplate resolved = new TemplateChoice(
                        step.getTemplate(), step.getTemplateVersion(), step.getTemplateParams())
                .resolve(run);
        return new PolicyChoice(resolved.policy(), resolved.policyText());
    }
}
