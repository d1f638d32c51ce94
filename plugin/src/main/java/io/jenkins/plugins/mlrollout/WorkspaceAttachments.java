package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.FilePath;
import io.mlrollout.core.audit.Attachment;
import io.mlrollout.core.audit.Attachments;
import io.mlrollout.core.policy.EvidenceSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mlCanary(attachments: [fairness: 'reports/fairness.html'])}: reads each file from the workspace, on the agent
 * that has it, through its {@link FilePath}. A path must stay inside the workspace (symbolic links resolved), and the
 * file must exist and be neither empty nor too large; together with the names the policy requires, every problem is
 * reported at once, before anything moves.
 */
final class WorkspaceAttachments {

    static final String FIELD = "attachments";

    private WorkspaceAttachments() {}

    static List<Attachment> read(@CheckForNull FilePath workspace, Map<String, String> paths, EvidenceSettings required)
            throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        if (!paths.isEmpty() && workspace == null) {
            throw new AbortException("mlCanary: " + FIELD + ": the files are read from the workspace, and there is"
                    + " none here; call mlCanary inside a node block. Nothing was moved.");
        }
        for (Map.Entry<String, String> entry : paths.entrySet()) {
            String field = field(entry.getKey());
            String path = entry.getValue();
            if (isAbsolute(path)) {
                problems.add(field + ": '" + path + "' is an absolute path; give one relative to the workspace");
                continue;
            }
            if (!workspace.isDescendant(path)) {
                problems.add(field + ": '" + path + "' leads outside the workspace");
                continue;
            }
            FilePath file = workspace.child(path);
            if (!file.exists() || file.isDirectory()) {
                problems.add(field + ": no such file in the workspace: " + path);
                continue;
            }
            long size = file.length();
            if (size > Attachment.MAX_BYTES) {
                problems.add(field + ": " + path + " has " + size + " bytes, more than the " + Attachment.MAX_BYTES
                        + " allowed");
                continue;
            }
            try (InputStream in = file.read()) {
                attachments.add(new Attachment(entry.getKey(), path, in.readNBytes((int) Attachment.MAX_BYTES + 1)));
            }
        }
        for (Attachments.Problem problem : Attachments.problems(attachments, required, WorkspaceAttachments::field)) {
            problems.add(problem.toString());
        }
        if (!problems.isEmpty()) {
            throw new AbortException("mlCanary: " + String.join("\n", problems) + "\nNothing was moved.");
        }
        return attachments;
    }

    /** Absolute on the agent's system, Unix or Windows; {@link FilePath#isDescendant} refuses those anyway. */
    private static boolean isAbsolute(String path) {
        return path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*");
    }

    private static String field(String name) {
        return FIELD + "." + name;
    }
}
