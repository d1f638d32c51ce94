package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Api;
import hudson.model.Failure;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.policy.TemplateOrigin;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.RolloutStateCodec;
import io.mlrollout.core.rollout.StageSummary;
import io.mlrollout.core.signoff.ApproverMatcher;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.Identity;
import io.mlrollout.core.signoff.SignOffGate;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.signoff.Signature;
import io.mlrollout.core.traffic.TrafficRouter;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * One rollout of a build, at {@code <build>/ml-rollout-<endpoint>/}: its stages and verdicts, charts of candidate
 * against baseline, the sign-off panel where approvers approve or reject, and links to the evidence file and the full
 * report. It also keeps, in the build's record, all that a rollout needs to survive a restart: the policy it runs and
 * its state as JSON.
 *
 * <p>Every sign-off is a POST that checks, on each request, that the person may read the job and who they are; the
 * rollout's own gate then decides whether they may sign (an approver, not the one who started it, once) and settles
 * once. The traffic moves that follow run on the timer, not in the request.
 *
 * <p>The same facts are exported for the remote API, {@code api/json} (see docs/jenkins.md, "REST API"); the endpoint,
 * phase and status also show in the build's own {@code api/json}.
 */
@ExportedBean
public class RolloutAction implements RunAction2 {

    private static final Logger LOGGER = Logger.getLogger(RolloutAction.class.getName());

    /** Why a request cannot act on a rollout this controller has not picked up (yet): the 503 of the web methods. */
    private static final String NOT_UNDER_WAY =
            "this rollout is not under way in this controller (it may still be resuming after a restart);"
                    + " try again in a moment";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final String endpoint;
    private final String policy;
    private final boolean dryRun;
    /** The facts the step stated, as text; they choose the same tier again when the plan is rebuilt. */
    private final Map<String, String> facts;
    /** The rollout's state as {@link RolloutStateCodec} writes it; saved with the build after every change. */
    private volatile String state;
    /**
     * Where the evidence file stood when the state was last saved: its line count, head hash, whether a seal ended it
     * and the seal key's fingerprint. Plain fields, so that build.xml holds them as they are; null before the first save.
     */
    private volatile String evidenceHead;

    private volatile long evidenceLines;
    private volatile boolean evidenceSealed;
    private volatile String evidenceSealKey;
    /**
     * The shared template the policy was made from (see {@link TemplateOrigin}), as plain fields so that build.xml holds
     * them as they are: the saved policy text is the template's output and no longer says. Null name for a policy
     * given in full.
     */
    private volatile String templateName;

    private volatile int templateVersion;
    private volatile String templateDigest;
    private volatile String templateDefinedIn;

    private transient Run<?, ?> run;
    private transient volatile LiveRollout live;
    /** The plan read from the saved policy, for the page while no rollout is live; never connects anything. */
    private transient volatile RolloutPlan savedPlan;

    /**
     * @param endpoint the endpoint the rollout runs on (the step's, else the policy's)
     * @param policy the policy's text as the pipeline gave it
     * @param dryRun whether the step asked for a dry run
     * @param facts the facts the step stated, which chose the rollout's tier
     */
    RolloutAction(Run<?, ?> run, String endpoint, String policy, boolean dryRun, Map<String, String> facts) {
        this.run = run;
        this.endpoint = endpoint;
        this.policy = policy;
        this.dryRun = dryRun;
        this.facts = new LinkedHashMap<>(facts);
    }

    /** The stated facts; none for a rollout saved before facts existed. */
    private Map<String, String> facts() {
        return facts == null ? Map.of() : facts;
    }

    /** The rollout of {@code endpoint} in {@code run}, if the build has one. */
    static Optional<RolloutAction> find(Run<?, ?> run, String endpoint) {
        return run.getActions(RolloutAction.class).stream()
                .filter(a -> a.endpoint.equals(endpoint))
                .findFirst();
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return "symbol-analytics";
    }

    @Override
    public String getDisplayName() {
        return Messages.RolloutAction_DisplayName(endpoint);
    }

    @Override
    public String getUrlName() {
        return "ml-rollout-" + endpoint;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    /** {@code api/json}, {@code api/xml}: this rollout as data. */
    public Api getApi() {
        return new Api(this);
    }

    @Exported(visibility = 2)
    public String getEndpoint() {
        return endpoint;
    }

    // ---- the rollout behind the page

    /** The state as last saved (or as the live rollout has it). */
    RolloutState state() {
        LiveRollout rollout = live;
        return rollout != null ? rollout.state() : RolloutStateCodec.read(state);
    }

    /**
     * Keeps {@code next} with the build, with where the evidence file stands; what a restarted controller resumes
     * from, and what the page shows without reading the file.
     */
    void persist(RolloutState next, Report.EvidenceHead evidence) throws IOException {
        state = RolloutStateCodec.write(next);
        evidenceLines = evidence.lines();
        evidenceSealed = evidence.sealed();
        evidenceSealKey = evidence.keyFingerprint();
        evidenceHead = evidence.head();
        run.save();
    }

    /** Where the evidence file stood when the state was last saved, as build.xml keeps it. */
    Optional<Report.EvidenceHead> evidenceHead() {
        String head = evidenceHead;
        return head == null
                ? Optional.empty()
                : Optional.of(new Report.EvidenceHead(evidenceLines, head, evidenceSealed, evidenceSealKey));
    }

    /**
     * The full report's address: under Jenkins' configured root URL, or relative to the root when Jenkins does not know
     * it. ({@code Run.getAbsoluteUrl()} is deprecated: it guesses from the current request.)
     */
    String reportUrl() {
        String root = Jenkins.get().getRootUrl();
        return (root == null ? "/" : root) + run.getUrl() + getUrlName() + "/report";
    }

    /** The policy's text as the pipeline gave it. */
    String policyText() {
        return policy;
    }

    /** Where the evidence file and the report are. */
    Path directory() {
        return AuditTrail.directory(run.getRootDir().toPath(), endpoint);
    }

    synchronized LiveRollout begin(
            RolloutPlan plan,
            RolloutServices services,
            TrafficRouter router,
            MetricsSource metrics,
            String candidate,
            @CheckForNull String startedBy,
            AttachedEvidence evidence,
            BaselineHistory history,
            TaskListener log)
            throws IOException {
        plan.policy().template().ifPresent(this::usedTemplate);
        live = LiveRollout.begin(this, plan, services, router, metrics, candidate, startedBy, evidence, history, log);
        return live;
    }

    /**
     * The rollout in memory, picked up again from the saved state when there is none (after a restart): with the
     * current endpoint settings and credentials looked up again for the build.
     */
    synchronized LiveRollout live() throws IOException {
        if (live == null) {
            RolloutServices services = RolloutServices.current();
            RolloutPlan plan = RolloutPlan.of(policy, endpoint, dryRun, facts());
            live = LiveRollout.resume(
                    this, plan, services, plan.router(run, services), plan.metrics(run, services), state());
        }
        return live;
    }

    private void usedTemplate(TemplateOrigin origin) {
        templateVersion = origin.version();
        templateDigest = origin.digest();
        templateDefinedIn = origin.definedIn();
        templateName = origin.name();
    }

    private Optional<TemplateOrigin> template() {
        String name = templateName;
        return name == null
                ? Optional.empty()
                : Optional.of(new TemplateOrigin(name, templateVersion, templateDigest, templateDefinedIn));
    }

    /** Whether the rollout has come to a rest after which nothing more happens, and its endpoint is free. */
    boolean isSettled() {
        return LiveRollout.FINISHED.contains(state().phase());
    }

    /**
     * The build ended. A canary that passed but was never promoted is rolled back, because nothing could promote it
     * later; so is a rollout that is still moving (its step was killed), to protect production. The rollback is
     * handed to the plugin's threads; until it settles the build keeps the endpoint (see {@link EndpointLocks}).
     */
    void buildEnded(TaskListener listener) {
        Optional<String> reason = endedReason(state());
        if (reason.isEmpty()) {
            return;
        }
        // The rollback runs after this log has closed, so the line says where its outcome will be.
        listener.getLogger()
                .println(LogLines.note(reason.get() + ": rolling back endpoint " + endpoint
                        + " after the build; its outcome is on the build's ML Rollout page and in the evidence file"));
        RolloutServices.current().work().execute(() -> rollBackAfterBuild(reason.get()));
    }

    /**
     * Jenkins started while this ended build's rollout had not settled (e.g. it restarted between the build's end
     * and its rollback): picks the rollout up again, lets a rollback under way finish, and rolls back what the build
     * left at the canary's weight. Called on the plugin's threads, at start-up only (see {@link RolloutResumer}).
     */
    void resumeAfterBuild() {
        if (isSettled()) {
            return;
        }
        Optional<String> reason = endedReason(state());
        if (reason.isPresent()) {
            rollBackAfterBuild(reason.get());
            return;
        }
        try {
            live(); // a rollback under way carries on; a failed one stays as it is, holding the endpoint
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "ML Rollout could not resume " + endpoint + " of " + run, e);
        }
    }

    /** Why an ended build's rollout must be rolled back, or empty when it needs nothing. */
    private static Optional<String> endedReason(RolloutState now) {
        if (now.phase() == Phase.CANARY_PASSED) {
            return Optional.of("the build ended without mlPromote");
        }
        if (!now.phase().isResting() && now.phase() != Phase.ROLLING_BACK) {
            return Optional.of(
                    "the build ended while the rollout was " + now.phase().inWords());
        }
        return Optional.empty();
    }

    private void rollBackAfterBuild(String reason) {
        try {
            live().submit(new Input.RollbackRequested(
                    "ml-rollout", reason, RolloutServices.current().clock().instant()));
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "ML Rollout could not roll back " + endpoint + " of " + run, e);
        }
    }

    // ---- what the page shows

    @Exported(visibility = 2)
    public String getStatus() {
        RolloutState now = state();
        return StatusText.of(
                now,
                stageCount(),
                quorum(),
                rules(),
                RolloutServices.current().clock().instant());
    }

    @Exported(visibility = 2)
    public String getPhase() {
        return state().phase().name();
    }

    // ---- what the summary box on the build's main page adds (summary.jelly)

    /** E.g. {@code stage 2 of 3 reached: 5% pass, 25% fail}; or that no stage has started yet. */
    public String getStagesReached() {
        RolloutState now = state();
        if (now.stageIndex() < 0) {
            return "no stage started yet";
        }
        String verdicts = now.stages().stream()
                .map(v -> v.label() + " " + v.verdict().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return "stage " + (now.stageIndex() + 1) + " of " + stageCount() + " reached"
                + (verdicts.isEmpty() ? "" : ": " + verdicts);
    }

    /** The reasons of the last failed stage, one sentence per metric that failed it; empty when none failed. */
    public List<String> getFailingReasons() {
        List<StageSummary> stages = state().stages();
        for (int i = stages.size() - 1; i >= 0; i--) {
            if (stages.get(i).verdict() == Verdict.FAIL) {
                return stages.get(i).reasons();
            }
        }
        return List.of();
    }

    // ---- what the remote API adds (see RolloutApi)

    @Exported
    public String getPhaseSince() {
        return RolloutApi.time(state().phaseSince());
    }

    @Exported
    public String getCandidate() {
        return state().subject().candidate();
    }

    @Exported(skipNull = true)
    public String getBaseline() {
        return state().subject().baseline();
    }

    @Exported(skipNull = true)
    public String getStartedBy() {
        return state().subject().startedBy();
    }

    @Exported
    public boolean isDryRun() {
        return dryRun;
    }

    /** The current stage, 1-based; 0 before the first. */
    @Exported
    public int getStage() {
        return state().stageIndex() + 1;
    }

    @Exported
    public int getStageCount() {
        return stageCount();
    }

    /** Percent of traffic on the candidate, as the router last reported it. */
    @Exported
    public int getCanaryWeight() {
        return state().canaryWeight();
    }

    /** Each stage's weight as the policy sets it, in order. */
    @Exported
    public List<Integer> getStageWeights() {
        return parsedPolicy()
                .map(p -> p.stages().stream().map(Stage::weight).toList())
                .orElse(List.of());
    }

    /** The verdict of every finished stage, with its reasons. */
    @Exported
    public List<RolloutApi.StageVerdict> getVerdicts() {
        return state().stages().stream().map(RolloutApi.StageVerdict::new).toList();
    }

    /** Why the rollout came to rest (rolled back, halted, failed); absent while it moves or after a pass. */
    @Exported(skipNull = true)
    public String getReason() {
        return state().reason();
    }

    /** The open sign-off, else the last one; absent when the rollout never had one. */
    @Exported(skipNull = true)
    public @CheckForNull RolloutApi.SignOff getSignOff() {
        RolloutState now = state();
        if (now.gate() == null) {
            return null;
        }
        boolean open = now.openGate().map(SignOffGate::isOpen).orElse(false);
        return new RolloutApi.SignOff(
                now.gate(),
                open,
                rules().orElse(null),
                rules().map(r -> now.gate().tally(r, People.approverMatcher()).roles())
                        .orElse(List.of()),
                open && isCanSign(),
                open && isCanOverride(),
                run.getUrl() + getUrlName() + "/");
    }

    /** The move that waits for the deployment window, when one does. */
    @Exported(skipNull = true)
    public @CheckForNull RolloutApi.WindowWait getWindow() {
        RolloutState now = state();
        return now.phase() == Phase.WAITING_FOR_WINDOW ? new RolloutApi.WindowWait(now.window()) : null;
    }

    /** Whether to show "Open the window now": a move waits for the window and this person is an administrator. */
    public boolean isCanOpenWindow() {
        return state().phase() == Phase.WAITING_FOR_WINDOW
                && currentSigner().map(Identity::administrator).orElse(false);
    }

    /** The shared template the policy was made from, and where it was defined; absent for a policy given in full. */
    @Exported(skipNull = true)
    public @CheckForNull RolloutApi.Template getTemplate() {
        return template().map(RolloutApi.Template::new).orElse(null);
    }

    /**
     * For the page and the summary box: e.g. {@code standard-canary v3 (sha256:ab12…) from folder 'team-a'}; empty for
     * a policy given in full.
     */
    public String getTemplateSummary() {
        return template().map(TemplateOrigin::describe).orElse("");
    }

    @Exported(skipNull = true)
    public @CheckForNull RolloutApi.Evidence getEvidence() {
        return evidenceHead().map(RolloutApi.Evidence::new).orElse(null);
    }

    public boolean isGateOpen() {
        return state().openGate().isPresent();
    }

    public String getGatePurpose() {
        return state().openGate().map(SignOffGate::purpose).orElse("");
    }

    /** E.g. {@code 1 of 2 approvals from alice, ml-risk; open until 2026-11-24 10:20:00 UTC}. */
    public String getGateSummary() {
        Optional<SignOffGate> gate = state().openGate();
        if (gate.isEmpty()) {
            return "";
        }
        String from = rules().filter(r -> !r.approvers().isEmpty())
                .map(r -> " from " + String.join(", ", r.approvers()))
                .orElse("");
        String roles = rules().filter(r -> !r.roles().isEmpty())
                .map(r ->
                        "; " + gate.get().tally(r, People.approverMatcher()).waitingFor() + " (" + roleHolders(r) + ")")
                .orElse("");
        return gate.get().approvals() + " of " + quorum() + " approval(s)" + from + roles + "; open until "
                + TIME.format(gate.get().expiresAt());
    }

    /**
     * The open gate as Pipeline's views show it, a pending input (see {@link SignOffInput}): e.g. {@code ML Rollout
     * fraud-model: sign-off for stage 2 (25%), 0 of 2 approval(s) from alice, bob; open until …}. Its answers sign as
     * the rollout page's buttons do.
     */
    Optional<SignOffInput.Gate> inputGate() {
        Optional<SignOffGate> open = state().openGate();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        SignOffGate gate = open.get();
        String message = "ML Rollout " + endpoint + ": sign-off for " + gate.purpose() + ", " + getGateSummary();
        String submitters = rules().map(r -> String.join(",", r.signerNames())).orElse("");
        String which = gate.purpose() + " opened " + gate.openedAt();
        return Optional.of(new SignOffInput.Gate(which, message, submitters, this::sign));
    }

    /** E.g. {@code risk: carol, ml-risk; platform: platform-team}. */
    private static String roleHolders(SignOffRules rules) {
        return rules.roles().stream()
                .map(role -> role.role() + ": " + String.join(", ", role.members()))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** The signatures on the open gate, one line each: who, what, when and why. */
    public List<String> getSignatures() {
        return state().openGate().map(SignOffGate::signatures).orElse(List.of()).stream()
                .map(RolloutAction::describe)
                .toList();
    }

    /**
     * Whether to show Approve and Reject: the gate is open and this person, an approver or a holder of a role the gate
     * requires, has not signed.
     */
    public boolean isCanSign() {
        Optional<SignOffGate> gate = state().openGate();
        Optional<Identity> who = currentSigner();
        Optional<SignOffRules> rules = rules();
        if (gate.isEmpty() || who.isEmpty() || rules.isEmpty()) {
            return false;
        }
        ApproverMatcher matcher = People.approverMatcher();
        return gate.get().signatureOf(who.get(), matcher).isEmpty()
                && rules.get().maySign(who.get(), matcher);
    }

    /**
     * Whether to show Approve besides Reject: the one who started the rollout may only reject unless self-approval is
     * allowed (the gate would refuse their approval).
     */
    public boolean isCanApprove() {
        return isCanSign() && signerMay(SignOffGate::mayApprove);
    }

    /**
     * Whether to show Override: the gate is open and this person is an administrator who may override it, which the one
     * who started the rollout may not unless self-approval is allowed, nor one who signed it already (the gate would
     * refuse them).
     */
    public boolean isCanOverride() {
        Optional<SignOffGate> gate = state().openGate();
        Optional<Identity> who = currentSigner();
        return gate.isPresent()
                && who.isPresent()
                && gate.get().signatureOf(who.get(), People.approverMatcher()).isEmpty()
                && signerMay(SignOffGate::mayOverride);
    }

    /** A rule of the gate about who may do what, given who started the rollout. */
    @FunctionalInterface
    private interface SignerRule {
        boolean allows(SignOffRules rules, Identity who, String startedBy, ApproverMatcher matcher);
    }

    /** Whether the signed-in person passes {@code rule} under the rules in force; no, without either. */
    private boolean signerMay(SignerRule rule) {
        Optional<Identity> who = currentSigner();
        Optional<SignOffRules> rules = rules();
        return who.isPresent()
                && rules.isPresent()
                && rule.allows(rules.get(), who.get(), getStartedBy(), People.approverMatcher());
    }

    /**
     * The evidence file's length, head hash and seal as recorded when it was last written, e.g. {@code 42 lines, head
     * 3f…, sealed with key 3be0c1a27d9f4e55}. A page view reads no file and hashes nothing; {@code mlrollout
     * verify-evidence} (see docs/cli.md) checks the whole chain.
     */
    public String getEvidenceSummary() {
        return evidenceHead().map(Report.EvidenceHead::describe).orElse("no evidence recorded yet");
    }

    /**
     * The report's stages, sign-offs, charts and log as HTML; every outside text in it is escaped by the renderer. An
     * evidence file that can no longer be read (damaged or edited in the build folder) is said here, in place of the
     * report, rather than failing the whole page.
     */
    public String getReportFragment() {
        try {
            return HtmlReport.fragment(report());
        } catch (IOException | RuntimeException unreadable) {
            return "<div class=\"ml-rollout-report\"><p>The report cannot be drawn: the evidence file "
                    + HtmlReport.escape(directory().resolve(AuditTrail.EVIDENCE).toString()) + " cannot be read ("
                    + HtmlReport.escape(String.valueOf(unreadable.getMessage())) + "). Check it with "
                    + "<code>mlrollout verify-evidence</code>.</p></div>";
        }
    }

    // ---- web methods

    @RequirePOST
    public HttpResponse doApprove(@QueryParameter String comment) throws IOException {
        return sign(Decision.APPROVE, comment);
    }

    @RequirePOST
    public HttpResponse doReject(@QueryParameter String comment) throws IOException {
        return sign(Decision.REJECT, comment);
    }

    /** Only for administrators, and recorded as an override, never as an approval. */
    @RequirePOST
    public HttpResponse doOverride(@QueryParameter String comment) throws IOException {
        return sign(Decision.OVERRIDE, comment);
    }

    /**
     * Only for administrators: the move waiting for the deployment window goes ahead now. Recorded with who and why in
     * the log and the evidence, like an override.
     */
    @RequirePOST
    public HttpResponse doOpenWindow(@QueryParameter String comment) throws IOException {
        run.getParent().checkPermission(Item.READ);
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String word = "open the window";
        if (comment == null || comment.isBlank()) {
            throw new SignOffAnswer.Refusal(
                    SignOffAnswer.NOT_ALLOWED, word, "comment: say why the window opens early; it is recorded");
        }
        LiveRollout rollout = live;
        if (rollout == null) {
            throw new SignOffAnswer.Refusal(SignOffAnswer.NOT_YET, word, NOT_UNDER_WAY);
        }
        Optional<String> refusal = rollout.submit(new Input.OpenWindow(
                People.signer().userId(),
                comment.trim(),
                RolloutServices.current().clock().instant()));
        if (refusal.isPresent()) {
            throw new SignOffAnswer.Refusal(SignOffAnswer.NOTHING_TO_SIGN, word, refusal.get());
        }
        return SignOffAnswer.taken(word, this);
    }

    /** The evidence file as it is, one JSON line per event. */
    public void doEvidence(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        run.getParent().checkPermission(Item.READ);
        Path file = directory().resolve(AuditTrail.EVIDENCE);
        if (!Files.exists(file)) {
            rsp.sendError(404, "no evidence recorded yet");
            return;
        }
        rsp.setContentType("text/plain;charset=UTF-8");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
        try (OutputStream out = rsp.getOutputStream()) {
            Files.copy(file, out);
        }
    }

    /** Whether the evidence pack was written: the rollout came to rest at least once. */
    public boolean isEvidencePackWritten() {
        return Files.isRegularFile(directory().resolve(AuditTrail.PACK));
    }

    /**
     * The evidence pack, a zip (see docs/jenkins.md, "Evidence pack"), downloaded under a name that tells the job,
     * build and endpoint; check it with {@code mlrollout verify-evidence}.
     */
    public void doEvidencePack(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        run.getParent().checkPermission(Item.READ);
        Path file = directory().resolve(AuditTrail.PACK);
        if (!Files.isRegularFile(file)) {
            rsp.sendError(404, "no evidence pack yet: it is written when the rollout comes to rest");
            return;
        }
        String name = (run.getParent().getFullName() + "-" + run.getNumber() + "-" + endpoint)
                        .replaceAll("[^A-Za-z0-9._-]", "_")
                + "-evidence-pack.zip";
        rsp.setContentType("application/zip");
        rsp.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
        rsp.setContentLengthLong(Files.size(file));
        try (OutputStream out = rsp.getOutputStream()) {
            Files.copy(file, out);
        }
    }

    /**
     * The full report. It has no scripts and loads nothing; the policy below tells the browser to keep it that way
     * even if a text in it were not escaped.
     */
    public void doReport(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        run.getParent().checkPermission(Item.READ);
        Report report;
        try {
            report = report();
        } catch (IOException | RuntimeException unreadable) {
            // The reason may quote the damaged line; the rollout page shows it, escaped.
            rsp.sendError(
                    409, "the report cannot be drawn: the evidence file cannot be read; the rollout page says why");
            return;
        }
        byte[] html = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
        rsp.setContentType("text/html;charset=UTF-8");
        rsp.setHeader(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none';"
                        + " frame-ancestors 'self'; sandbox");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
        try (OutputStream out = rsp.getOutputStream()) {
            out.write(html);
        }
    }

    private HttpResponse sign(Decision decision, @CheckForNull String comment) {
        run.getParent().checkPermission(Item.READ);
        String word = decision.name().toLowerCase(Locale.ROOT);
        Identity who;
        try {
            who = People.signer();
        } catch (Failure e) {
            throw new SignOffAnswer.Refusal(SignOffAnswer.NOT_LOGGED_IN, word, e.getMessage());
        }
        LiveRollout rollout = live;
        if (rollout == null) {
            throw new SignOffAnswer.Refusal(SignOffAnswer.NOT_YET, word, NOT_UNDER_WAY);
        }
        Optional<String> refusal = rollout.submit(new Input.SignOff(
                who,
                decision,
                comment == null ? "" : comment,
                RolloutServices.current().clock().instant()));
        if (refusal.isPresent()) {
            boolean gateOpen = state().openGate().map(SignOffGate::isOpen).orElse(false);
            throw new SignOffAnswer.Refusal(
                    gateOpen ? SignOffAnswer.NOT_ALLOWED : SignOffAnswer.NOTHING_TO_SIGN, word, refusal.get());
        }
        return SignOffAnswer.taken(word, this);
    }

    // ---- helpers

    private Report report() throws IOException {
        LiveRollout rollout = live;
        if (rollout != null) {
            return rollout.report();
        }
        Report saved = ReportBuilder.of(AuditTrail.readEvents(directory()));
        return evidenceHead().map(saved::withEvidence).orElse(saved);
    }

    /**
     * The sign-off rules in force: the live rollout's, or else those of the saved policy with the endpoint as now
     * configured. Never resumes the rollout: a page view must not start traffic moves.
     */
    private Optional<SignOffRules> rules() {
        LiveRollout rollout = live;
        if (rollout != null) {
            return rollout.plan().rules();
        }
        RolloutPlan plan = savedPlan;
        if (plan == null) {
            try {
                plan = RolloutPlan.of(policy, endpoint, dryRun, facts());
            } catch (AbortException e) {
                return Optional.empty(); // the endpoint was removed or changed since; nobody can sign meanwhile
            }
            savedPlan = plan;
        }
        return plan.rules();
    }

    private int quorum() {
        return rules().map(SignOffRules::quorum).orElse(0);
    }

    private int stageCount() {
        return parsedPolicy().map(Policy::stageCount).orElse(0);
    }

    private Optional<Policy> parsedPolicy() {
        LiveRollout rollout = live;
        if (rollout != null) {
            return Optional.of(rollout.plan().policy());
        }
        try {
            return Optional.of(PolicyParser.parse(policy));
        } catch (PolicyException e) {
            return Optional.empty(); // it parsed when the rollout started; only an upgrade could change that
        }
    }

    private static Optional<Identity> currentSigner() {
        try {
            return Optional.of(People.signer());
        } catch (Failure e) {
            return Optional.empty();
        }
    }

    private static String describe(Signature s) {
        return s.userId() + (s.roles().isEmpty() ? "" : " (" + String.join(", ", s.roles()) + ")") + " "
                + s.decision().name().toLowerCase(Locale.ROOT) + " at " + TIME.format(s.at())
                + (s.comment().isEmpty() ? "" : ": " + s.comment());
    }
}
