package io.jenkins.plugins.mlrollout;

import hudson.model.Failure;
import io.mlrollout.core.json.Json;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * How a sign-off POST answers. A browser (it asks for {@code text/html}) gets the rollout's page again, or Jenkins'
 * error page with the reason; any other client (curl, a chat bot) gets a status code and a small JSON body it can act
 * on without scraping HTML.
 */
final class SignOffAnswer {

    /** 200: the signature was taken. */
    static final int TAKEN = 200;
    /** 401: nobody is logged in; a sign-off records who gave it. */
    static final int NOT_LOGGED_IN = 401;
    /** 403: this person may not sign this gate (not an approver, started it, signed already, no administrator). */
    static final int NOT_ALLOWED = 403;
    /** 409: no sign-off is open (none yet, or it settled): nothing to sign. */
    static final int NOTHING_TO_SIGN = 409;
    /**
     * 400: an answer through the sign-off input was refused. The input step answers its own refusals with 400, and
     * pipeline-graph-view's dialog shows the {@code message} of a 400 (any other status only as a number).
     */
    static final int INPUT_REFUSED = 400;
    /** 503: the rollout is not under way in this controller yet (resuming after a restart); ask again shortly. */
    static final int NOT_YET = 503;

    private SignOffAnswer() {}

    /** Whether the client is a browser rather than a machine: only browsers ask for HTML. */
    static boolean isBrowser(StaplerRequest2 req) {
        String accept = req.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    /** The signature was taken: the page for a browser, the rollout's phase and sign-off count for a machine. */
    static HttpResponse taken(String decision, RolloutAction rollout) {
        return new Taken(decision, rollout);
    }

    private static final class Taken implements HttpResponse {
        private final String decision;
        private final RolloutAction rollout;

        Taken(String decision, RolloutAction rollout) {
            this.decision = decision;
            this.rollout = rollout;
        }

        @Override
        public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                throws IOException, ServletException {
            if (isBrowser(req)) {
                HttpResponses.redirectToDot().generateResponse(req, rsp, node);
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", true);
            body.put("decision", decision);
            body.put("endpoint", rollout.getEndpoint());
            body.put("phase", rollout.getPhase());
            body.put("status", rollout.getStatus());
            writeJson(rsp, TAKEN, body);
        }
    }

    static void writeJson(StaplerResponse2 rsp, int status, Map<String, Object> body) throws IOException {
        rsp.setStatus(status);
        rsp.setContentType("application/json;charset=UTF-8");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
        try (OutputStream out = rsp.getOutputStream()) {
            out.write(Json.mapper().writeValueAsBytes(body));
        }
    }

    /**
     * A signature that was not taken, thrown from the web method like any {@link Failure}: a browser sees Jenkins'
     * error page as before, a machine the status code and the reason as JSON.
     */
    static final class Refusal extends Failure {
        private static final long serialVersionUID = 1L;

        private final int status;
        private final String decision;

        Refusal(int status, String decision, String reason) {
            super(reason);
            this.status = status;
            this.decision = decision;
        }

        /** This refusal as an answer to the sign-off input: {@link #INPUT_REFUSED}, the reason also as message. */
        Refusal asInputAnswer() {
            return new Refusal(INPUT_REFUSED, decision, getMessage());
        }

        int status() {
            return status;
        }

        @Override
        public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                throws IOException, ServletException {
            if (isBrowser(req)) {
                super.generateResponse(req, rsp, node);
                return;
            }
            if (status == NOT_YET) {
                rsp.setHeader("Retry-After", "10");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", false);
            body.put("decision", decision);
            body.put("reason", getMessage());
            if (status == INPUT_REFUSED) {
                body.put("message", getMessage());
            }
            writeJson(rsp, status, body);
        }
    }
}
