package io.mlrollout.core.policy;

/** Builds the field paths that errors carry: {@code signOff.quorum}, {@code stages[1].weight}. */
final class FieldPath {

    private FieldPath() {}

    static String key(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
