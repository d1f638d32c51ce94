package io.mlrollout.core.signoff;

import java.util.List;
import java.util.Objects;

/**
 * Decides who counts as an approver and whether two signatures come from one person, with the user-id and group-name
 * comparisons of the security realm in use.
 *
 * @param users how user ids compare
 * @param groups how group names compare
 */
public record ApproverMatcher(IdMatching users, IdMatching groups) {

    /** Jenkins' default: user ids and group names both compare case-insensitively. */
    public static final ApproverMatcher CASE_INSENSITIVE =
            new ApproverMatcher(IdMatching.CASE_INSENSITIVE, IdMatching.CASE_INSENSITIVE);

    public ApproverMatcher {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(groups, "groups");
    }

    /** Whether an entry of {@code approvers} names this person, by user id or by one of their groups. */
    public boolean isApprover(List<String> approvers, Identity who) {
        return approvers.stream()
                .anyMatch(entry -> users.same(entry, who.userId())
                        || who.groups().stream().anyMatch(group -> groups.same(entry, group)));
    }

    public boolean samePerson(String userId, String otherUserId) {
        return users.same(userId, otherUserId);
    }
}
