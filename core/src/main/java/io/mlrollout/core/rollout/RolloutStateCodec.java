package io.mlrollout.core.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mlrollout.core.json.Json;

/**
 * Writes a {@link RolloutState} as JSON and reads it back. JSON rather than Java serialization: the state outlives
 * plugin upgrades in Jenkins build records and CLI state files, and people can read it when something goes wrong.
 */
public final class RolloutStateCodec {

    private RolloutStateCodec() {}

    public static String write(RolloutState state) {
        try {
            return Json.mapper().writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write rollout state: " + e.getOriginalMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a rollout state */
    public static RolloutState read(String json) {
        try {
            return Json.mapper().readValue(json, RolloutState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a rollout state: " + e.getOriginalMessage(), e);
        }
    }
}
