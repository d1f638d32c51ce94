package io.mlrollout.core.signoff;

import java.util.Locale;

/**
 * Whether two user ids (or two group names) name the same one. Jenkins' security realm decides this with its
 * {@code IdStrategy}; most realms compare case-insensitively, which is the default here.
 */
@FunctionalInterface
public interface IdMatching {

    IdMatching CASE_INSENSITIVE = (a, b) -> a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    IdMatching CASE_SENSITIVE = String::equals;

    boolean same(String a, String b);
}
