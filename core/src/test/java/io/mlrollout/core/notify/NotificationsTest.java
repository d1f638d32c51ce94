package io.mlrollout.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which events become notifications, and the ids receivers drop duplicates by. */
class NotificationsTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:30:00Z");

    private static Notification of(RolloutEvent event) {
        return Notifications.of(event, "fraud-scorer", "fraud-deploy#7", "v2", Optional.empty(), List.of())
                .orElseThrow();
    }

    @Test
    void twoSignaturesInOneMillisecondHaveTwoIds() {
        Notification alice = of(new RolloutEvent.Signed(AT, "alice", Decision.APPROVE, "looks good", 1, 2));
        Notification bob = of(new RolloutEvent.Signed(AT, "bob", Decision.APPROVE, "ok", 2, 2));

        assertThat(alice.id()).isNotEqualTo(bob.id());
        assertThat(alice.id()).isEqualTo("fraud-deploy#7/signed/alice/" + AT.toEpochMilli());
    }

    @Test
    void theSameEventGivesTheSameIdSoRetriesCanBeDropped() {
        RolloutEvent refusal = new RolloutEvent.Signed(AT, "bob", Decision.REJECT, "p99 too high", 0, 2);

        assertThat(of(refusal).id()).isEqualTo(of(refusal).id());
        assertThat(of(refusal).type()).isEqualTo(NotificationType.REFUSED);
    }
}
