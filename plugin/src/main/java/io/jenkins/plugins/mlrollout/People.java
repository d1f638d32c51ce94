package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Cause;
import hudson.model.Failure;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.SecurityRealm;
import io.mlrollout.core.signoff.ApproverMatcher;
import io.mlrollout.core.signoff.Identity;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.CauseOfInterruption;
import jenkins.model.IdStrategy;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** Who is who, as Jenkins knows it: who started a build, who stopped it, who is signing. */
final class People {

    private People() {}

    /**
     * The user who started {@code run}, for the self-approval rule: the one who pressed Build, or else the one who
     * started the upstream build that started it (Jenkins' "originally caused by"), so that a wrapper job does not make
     * a person's rollout look started by nobody. Null when no person did (a timer, SCM, ...).
     */
    static @CheckForNull String startedBy(Run<?, ?> run) {
        return userAmong(run.getCauses());
    }

    /** The first user among {@code causes}, else among their upstream builds' causes (a tree Jenkins keeps finite). */
    private static @CheckForNull String userAmong(List<Cause> causes) {
        for (Cause cause : causes) {
            if (cause instanceof Cause.UserIdCause user && user.getUserId() != null) {
                return user.getUserId();
            }
        }
        for (Cause cause : causes) {
            if (cause instanceof Cause.UpstreamCause upstream) {
                String user = userAmong(upstream.getUpstreamCauses());
                if (user != null) {
                    return user;
                }
            }
        }
        return null;
    }

    /** Who a step's request is recorded as made by: the build's user, or else the build itself. */
    static String requester(Run<?, ?> run) {
        String user = startedBy(run);
        return user != null ? user : "build " + run.getFullDisplayName();
    }

    /** Who stopped a step, from the cause Jenkins gives: the aborting user if it names one. */
    static String stoppedBy(Throwable cause) {
        if (cause instanceof FlowInterruptedException interrupted) {
            for (CauseOfInterruption why : interrupted.getCauses()) {
                if (why instanceof CauseOfInterruption.UserInterruption user) {
                    return user.getUserId();
                }
            }
            if (!interrupted.getCauses().isEmpty()) {
                return interrupted.getCauses().get(0).getShortDescription();
            }
        }
        return "the build being stopped";
    }

    /**
     * How signers are matched with approvers: user ids with the security realm's user id strategy and groups with its
     * group id strategy, as Jenkins' own {@code input} step does (a case-sensitive realm keeps {@code Alice} and
     * {@code alice} apart).
     */
    static ApproverMatcher approverMatcher() {
        SecurityRealm realm = Jenkins.get().getSecurityRealm();
        IdStrategy users = realm.getUserIdStrategy();
        IdStrategy groups = realm.getGroupIdStrategy();
        return new ApproverMatcher(users::equals, groups::equals);
    }

    /**
     * The person making this web request, as the security realm authenticated them: the user id, their groups (the
     * realm's authorities) and whether they hold Overall/Administer.
     *
     * @throws Failure when nobody is logged in: a sign-off needs a name
     */
    static Identity signer() {
        Authentication authentication = Jenkins.getAuthentication2();
        if (ACL.isAnonymous2(authentication)) {
            throw new Failure("log in to sign: a sign-off records who gave it");
        }
        Set<String> groups = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .collect(Collectors.toSet());
        boolean administrator = Jenkins.get().hasPermission2(authentication, Jenkins.ADMINISTER);
        return new Identity(authentication.getName(), groups, administrator);
    }
}
