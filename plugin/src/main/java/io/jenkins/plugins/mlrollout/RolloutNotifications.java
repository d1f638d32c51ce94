package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.notify.NotificationListener;
import io.mlrollout.core.notify.NotificationSink;
import io.mlrollout.core.notify.Notifications;
import io.mlrollout.core.notify.Notifier;
import io.mlrollout.core.notify.SinkSpec;
import io.mlrollout.core.policy.NotificationSubscription;
import io.mlrollout.core.policy.NotificationsSection;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * A rollout's notifications in Jenkins: the endpoint's sinks, with the policy's additions, their URLs read from
 * secret text credentials when the rollout starts, sent on one small thread of their own (through Jenkins' proxy), so
 * a slow receiver never holds up a rollout or Jenkins' timers.
 */
final class RolloutNotifications {

    private static final Logger LOGGER = Logger.getLogger(RolloutNotifications.class.getName());

    /** One daemon thread for every rollout's deliveries; retries are scheduled on it, never slept. */
    private static final ScheduledExecutorService THREAD = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ML Rollout notifications");
        thread.setDaemon(true);
        return thread;
    });

    private RolloutNotifications() {}

    /**
     * The listener that notifies, or one that does nothing when the endpoint has no sinks.
     *
     * @param resumed the rollout's subject when it resumes, null when it starts
     * @param log where undelivered notifications are told (by sink name, never URL)
     * @throws AbortException when a sink's credential is missing or holds no http(s) URL, or the policy names a sink
     *     the endpoint lacks
     */
    static RolloutDriver.Listener listener(
            RolloutPlan plan,
            Run<?, ?> run,
            String actionUrl,
            @CheckForNull RolloutState.Subject resumed,
            Consumer<String> log)
            throws AbortException {
        ModelEndpoint endpoint = plan.endpoint();
        List<NotificationSink> sinks = sinks(endpoint, plan.policy().notifications(), run, "\nNothing was moved.");
        if (sinks.isEmpty()) {
            return RolloutDriver.eventsTo(event -> {});
        }
        Notifier notifier =
                new Notifier(sinks, JenkinsHttp.SETTINGS, THREAD, alsoToSystemLog(run, log), Notifier.DEFAULT_CAPACITY);
        String root = Jenkins.get().getRootUrl();
        Optional<String> link = Optional.ofNullable(root).map(r -> r + actionUrl);
        return new NotificationListener(
                notifier, resumed, link, endpoint.notificationSettings().escalationContacts());
    }

    /**
     * What an {@code mlRollback} without a rollout tells the endpoint's sinks ({@code rolledBack}, {@code
     * rollbackFailed}) as the build: the endpoint's own subscriptions, there being no policy. A sink credential that is
     * missing or unusable never holds a rollback up: {@code log} says notifications are off for it.
     */
    static DirectRollback.Notify direct(ModelEndpoint endpoint, Run<?, ?> run, Consumer<String> log) {
        List<NotificationSink> sinks;
        try {
            sinks = sinks(endpoint, List.of(), run, "");
        } catch (AbortException e) {
            log.accept("notifications are off for this rollback: " + e.getMessage());
            return DirectRollback.Notify.NONE;
        }
        if (sinks.isEmpty()) {
            return DirectRollback.Notify.NONE;
        }
        Notifier notifier =
                new Notifier(sinks, JenkinsHttp.SETTINGS, THREAD, alsoToSystemLog(run, log), Notifier.DEFAULT_CAPACITY);
        String rolloutId = run.getExternalizableId();
        Optional<String> link = Optional.ofNullable(Jenkins.get().getRootUrl()).map(root -> root + run.getUrl());
        List<String> contacts = endpoint.notificationSettings().escalationContacts();
        return (event, candidate) -> Notifications.of(event, endpoint.getName(), rolloutId, candidate, link, contacts)
                .ifPresent(notifier::send);
    }

    /**
     * Tells an undelivered notification to the build's log and to Jenkins' own log: a delivery is retried after the
     * step that caused it may have ended, and a build's log is closed once the build has finished (an mlRollback's
     * last event, a promotion's), so only Jenkins' log is sure to keep it. The line names the sink, never its URL.
     */
    private static Consumer<String> alsoToSystemLog(Run<?, ?> run, Consumer<String> log) {
        String build = run.getExternalizableId();
        return line -> {
            LOGGER.log(Level.WARNING, "ML Rollout {0}: {1}", new Object[] {build, line});
            log.accept(line);
        };
    }

    /**
     * The endpoint's sinks with {@code additions}, their URLs read from their credentials now.
     *
     * @param consequence ends the message of a missing or unusable credential
     *
     * @throws AbortException when a sink's credential is missing or holds no http(s) URL, or an addition names a sink
     *     the endpoint lacks
     */
    private static List<NotificationSink> sinks(
            ModelEndpoint endpoint, List<NotificationSubscription> additions, Run<?, ?> run, String consequence)
            throws AbortException {
        List<SinkSpec> specs = endpoint.notificationSettings().sinks();
        List<NotificationSink> sinks;
        List<String> missing = new ArrayList<>();
        try {
            sinks = NotificationsSection.combine(
                    endpoint.notificationSettings(), additions, endpoint.getName(), spec -> {
                        String field = "endpoint '" + endpoint.getName() + "' notifications.sinks["
                                + specs.indexOf(spec) + "].credentialsId";
                        try {
                            String url = CredentialResolver.secretText(spec.secretRef(), run, field);
                            if (!SinkSpec.isHttpUrl(url)) {
                                missing.add(field + ": the 'Secret text' credentials '" + spec.secretRef()
                                        + "' do not hold an http(s) URL");
                            }
                            return spec.resolve(() -> url);
                        } catch (AbortException e) {
                            missing.add(e.getMessage());
                            return spec.resolve(() -> "");
                        }
                    });
        } catch (PolicyException e) {
            throw new AbortException("the policy, with the notification sinks of endpoint '" + endpoint.getName()
                    + "', is refused; nothing was moved:\n" + e.getMessage());
        }
        if (!missing.isEmpty()) {
            throw new AbortException(String.join("\n", missing) + consequence);
        }
        return sinks;
    }
}
