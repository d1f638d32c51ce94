package io.mlrollout.core.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.RecordedRequest;

/** JSON helpers for tests: bodies are compared as trees, so key order and spacing do not matter. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + json, e);
        }
    }

    /** Lets tests write JSON with single quotes. */
    static JsonNode q(String singleQuoted) {
        return tree(singleQuoted.replace('\'', '"'));
    }

    static JsonNode body(RecordedRequest request) {
        return tree(request.getBody().utf8());
    }
}
