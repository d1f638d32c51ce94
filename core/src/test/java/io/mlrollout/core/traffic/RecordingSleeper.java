package io.mlrollout.core.traffic;

import io.mlrollout.core.http.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the pauses a router asks for instead of sleeping, so retry tests run at once. */
final class RecordingSleeper implements Backoff.Sleeper {

    final List<Duration> pauses = new ArrayList<>();

    @Override
    public void sleep(Duration duration) {
        pauses.add(duration);
    }
}
