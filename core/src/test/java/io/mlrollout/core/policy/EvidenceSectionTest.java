package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.with;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code evidence.requireAttachments}: names of files a rollout must attach. */
class EvidenceSectionTest {

    @Test
    void requiredAttachmentsAreReadInOrder() throws Exception {
        Policy policy = PolicyParser.parse(with("evidence: {requireAttachments: [fairness, securityScan]}\n"));

        assertThat(policy.evidence().requireAttachments()).containsExactly("fairness", "securityScan");
        assertThat(PolicyParser.parse(with("")).evidence().requireAttachments()).isEmpty();
    }

    @Test
    void aNameThatCannotNameAnAttachmentIsRefused() {
        assertRefused(
                with("evidence: {requireAttachments: [fairness, ../etc]}\n"),
                "evidence.requireAttachments[1]",
                "'../etc' is not an attachment name: start with a letter, then letters, digits, _ or - (at most 64)");
    }

    @Test
    void aNameListedTwiceIsRefused() {
        assertRefused(
                with("evidence: {requireAttachments: [fairness, fairness]}\n"),
                "evidence.requireAttachments[1]",
                "'fairness' is listed twice");
    }

    @Test
    void anUnknownKeyIsRefused() {
        assertRefused(
                with("evidence: {requiredAttachments: [fairness]}\n"),
                "evidence.requiredAttachments",
                "unknown key; did you mean requireAttachments?");
    }

    @Test
    void requireAttachmentsIsAList() {
        assertRefused(
                with("evidence: {requireAttachments: fairness}\n"),
                "evidence.requireAttachments",
                "expected a list," + " got the text 'fairness'");
    }
}
