package io.mlrollout.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A repeatable {@code NAME=VALUE} option ({@code --attach}, {@code --lineage}, {@code --fact}), read here rather than
 * into a picocli map: a map keeps the last value of a name given twice and silently drops the first.
 */
final class NameValueOption {

    private NameValueOption() {}

    /**
     * The values by name, in the order given; an item without {@code =} or a name given twice is added to
     * {@code errors}.
     */
    static Map<String, String> read(List<String> given, String flag, List<InputError> errors) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String item : given) {
            int equals = item.indexOf('=');
            if (equals < 0) {
                errors.add(new InputError(flag, "'" + item + "' is not NAME=VALUE"));
                continue;
            }
            String name = item.substring(0, equals);
            String value = item.substring(equals + 1);
            String first = values.putIfAbsent(name, value);
            if (first != null) {
                errors.add(new InputError(
                        flag + " " + name, "is given twice (" + first + ", then " + value + "); give each name once"));
            }
        }
        return values;
    }
}
