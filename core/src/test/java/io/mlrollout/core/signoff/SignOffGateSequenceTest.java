package io.mlrollout.core.signoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.policy.SignOffPolicy.OnExpiry;
import io.mlrollout.core.signoff.Settlement.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of approvals, rejections, overrides and expiries by random people, checked against a small model
 * of the gate written from docs/policy.md ("At a gate" and "Sign-offs by role"), not from the code.
 */
class SignOffGateSequenceTest {

    private static final Instant OPENED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(2);
    private static final List<String> PEOPLE =
            List.of("alice", "ALICE", "bob", "carol", "Carol", "dave", "erin", "root");
    private static final List<String> GROUPS = List.of("ml-risk", "platform-team", "admins", "ML-RISK");
    private static final Map<String, List<String>> MATRIX = Map.of(
            "risk", List.of("ml-risk", "carol"),
            "platform", List.of("platform-team", "erin"));

    @Test
    void randomSequencesAgreeWithTheDocumentedRules() {
        for (long seed = 0; seed < 3000; seed++) {
            runOne(seed);
        }
    }

    private static void runOne(long seed) {
        Random random = new Random(seed);
        SignOffRules rules = randomRules(random);
        String starter = random.nextInt(4) == 0 ? null : PEOPLE.get(random.nextInt(PEOPLE.size()));
        SignOffGate gate = SignOffGate.open("stage 1/2 (10%)", rules, OPENED);
        Model model = new Model(rules, starter);
        Instant now = OPENED;
        for (int step = 0; step < 12; step++) {
            now = now.plus(Duration.ofMinutes(random.nextInt(25)));
            String context = "seed " + seed + " step " + step + " rules " + rules + " starter " + starter;
            if (random.nextInt(8) == 0) {
                gate = gate.expire(now);
                model.expire(now);
            } else {
                Identity who = randomIdentity(random);
                Decision decision = Decision.values()[random.nextInt(3)];
                String comment = random.nextInt(6) == 0 ? "  " : "reason " + step;
                SignResult result = gate.sign(rules, who, decision, comment, now, starter);
                boolean expected = model.sign(who, decision, comment, now);
                assertThat(result instanceof SignResult.Accepted)
                        .as(context + ": " + who + " " + decision + " -> " + result)
                        .isEqualTo(expected);
                if (result instanceof SignResult.Accepted accepted) {
                    gate = accepted.gate();
                }
            }
            assertThat(gate.settlement().map(Settlement::outcome))
                    .as(context + " gate " + gate)
                    .isEqualTo(model.outcome);
        }
    }

    private static SignOffRules randomRules(Random random) {
        List<String> approvers = new ArrayList<>();
        for (String entry : List.of("alice", "bob", "ml-risk", "dave", "admins")) {
            if (random.nextBoolean()) {
                approvers.add(entry);
            }
        }
        List<RoleQuorum> roles = new ArrayList<>();
        for (String role : List.of("risk", "platform")) {
            if (random.nextInt(3) == 0) {
                roles.add(new RoleQuorum(role, MATRIX.get(role), 1 + random.nextInt(2), List.of()));
            }
        }
        int seats = roles.stream().mapToInt(RoleQuorum::quorum).sum();
        if (roles.isEmpty() && approvers.isEmpty()) {
            approvers.add("bob");
        }
        int quorum =
                roles.isEmpty() ? 1 + random.nextInt(approvers.size()) : Math.max(seats, 1 + random.nextInt(seats + 2));
        return new SignOffRules(approvers, quorum, random.nextBoolean(), LIFETIME, OnExpiry.ROLLBACK, roles);
    }

    private static Identity randomIdentity(Random random) {
        Set<String> groups = new HashSet<>();
        for (String group : GROUPS) {
            if (random.nextInt(3) == 0) {
                groups.add(group);
            }
        }
        return new Identity(PEOPLE.get(random.nextInt(PEOPLE.size())), groups, random.nextInt(4) == 0);
    }

    /** The documented rules, with ids and groups compared case-insensitively. */
    private static final class Model {
        private final SignOffRules rules;
        private final String starter;
        private final Instant expiresAt = OPENED.plus(LIFETIME);
        private final Set<String> signed = new HashSet<>();
        /** Per approving person, the required roles they held when they approved. */
        private final Map<String, Set<String>> approvals = new LinkedHashMap<>();

        Optional<Outcome> outcome = Optional.empty();

        Model(SignOffRules rules, String starter) {
            this.rules = rules;
            this.starter = starter == null ? null : key(starter);
        }

        void expire(Instant now) {
            if (outcome.isEmpty() && !now.isBefore(expiresAt)) {
                outcome = Optional.of(Outcome.EXPIRED);
            }
        }

        boolean sign(Identity who, Decision decision, String comment, Instant now) {
            String person = key(who.userId());
            if (outcome.isPresent() || !now.isBefore(expiresAt) || signed.contains(person)) {
                return false;
            }
            Set<String> names = new HashSet<>();
            names.add(person);
            who.groups().forEach(g -> names.add(key(g)));
            Set<String> held = new HashSet<>();
            for (RoleQuorum role : rules.roles()) {
                if (role.members().stream().map(Model::key).anyMatch(names::contains)) {
                    held.add(role.role());
                }
            }
            boolean approver = rules.approvers().stream().map(Model::key).anyMatch(names::contains);
            boolean maySign = approver || !held.isEmpty();
            boolean isStarter = person.equals(starter);
            boolean hasComment = !comment.isBlank();
            switch (decision) {
                case APPROVE -> {
                    if (!maySign || !hasComment || (isStarter && !rules.allowSelfApproval())) {
                        return false;
                    }
                    approvals.put(person, held);
                    if (approvals.size() >= rules.quorum() && rolesFilled()) {
                        outcome = Optional.of(Outcome.APPROVED);
                    }
                }
                case REJECT -> {
                    if (!maySign) {
                        return false;
                    }
                    outcome = Optional.of(Outcome.REJECTED);
                }
                case OVERRIDE -> {
                    if (!who.administrator() || !hasComment || (isStarter && !rules.allowSelfApproval())) {
                        return false;
                    }
                    outcome = Optional.of(Outcome.OVERRIDDEN);
                }
            }
            signed.add(person);
            return true;
        }

        /** Brute force: some choice of one role (or none) per approver fills every role's quorum. */
        private boolean rolesFilled() {
            return fill(new ArrayList<>(approvals.values()), 0, new LinkedHashMap<>());
        }

        private boolean fill(List<Set<String>> people, int index, Map<String, Integer> counts) {
            if (index == people.size()) {
                return rules.roles().stream().allMatch(r -> counts.getOrDefault(r.role(), 0) >= r.quorum());
            }
            if (fill(people, index + 1, counts)) {
                return true;
            }
            for (String role : people.get(index)) {
                counts.merge(role, 1, Integer::sum);
                boolean filled = fill(people, index + 1, counts);
                counts.merge(role, -1, Integer::sum);
                if (filled) {
                    return true;
                }
            }
            return false;
        }

        private static String key(String id) {
            return id.toLowerCase(Locale.ROOT);
        }
    }
}
