package io.mlrollout.core.policy;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The templates a rollout may use, scope by scope, nearest first (e.g. the job's folder, its parent folders, then the
 * controller). A name is looked up in the nearest scope that defines it at all: a folder's template shadows every
 * version of a farther one with the same name, so a team's own template is never mixed with another's versions.
 */
public final class TemplateCatalog {

    /**
     * The templates one place defines.
     *
     * @param label how people know the place, e.g. {@code folder 'team-a'} or {@code the global configuration}
     */
    public record Scope(String label, List<PolicyTemplate> templates) {
        public Scope {
            templates = List.copyOf(templates);
        }
    }

    /**
     * A template and the scope it was found in.
     *
     * @param scope the label of the scope that defined it
     */
    public record Found(PolicyTemplate template, String scope) {

        /**
         * As {@link PolicyTemplate#resolve}, with the policy's origin naming the scope, so the evidence records where the
         * template came from.
         */
        public PolicyTemplate.ResolvedTemplate resolve(Map<String, ?> params) throws PolicyException {
            PolicyTemplate.ResolvedTemplate resolved = template.resolve(params);
            return new PolicyTemplate.ResolvedTemplate(
                    resolved.policy().withTemplate(template.origin().definedIn(scope)), resolved.policyText());
        }
    }

    private final List<Scope> scopes;

    public TemplateCatalog(List<Scope> nearestFirst) {
        this.scopes = List.copyOf(nearestFirst);
    }

    /**
     * The template {@code name}: the given version, or the highest one, of the nearest scope that defines the name.
     *
     * @throws PolicyException at {@code template} for an unknown name, at {@code templateVersion} for an unknown version
     */
    public Found find(String name, Optional<Integer> version) throws PolicyException {
        for (Scope scope : scopes) {
            List<PolicyTemplate> versions = scope.templates().stream()
                    .filter(t -> t.name().equals(name))
                    .sorted(Comparator.comparingInt(PolicyTemplate::version))
                    .toList();
            if (versions.isEmpty()) {
                continue;
            }
            if (version.isEmpty()) {
                return new Found(versions.get(versions.size() - 1), scope.label());
            }
            return versions.stream()
                    .filter(t -> t.version() == version.get())
                    .findFirst()
                    .map(t -> new Found(t, scope.label()))
                    .orElseThrow(() -> refused(
                            "templateVersion",
                            "template '" + name + "' in " + scope.label() + " has no version " + version.get()
                                    + " (versions: "
                                    + versions.stream()
                                            .map(t -> String.valueOf(t.version()))
                                            .collect(Collectors.joining(", "))
                                    + ")"));
        }
        Set<String> known = new LinkedHashSet<>();
        scopes.forEach(scope -> scope.templates().forEach(t -> known.add(t.name())));
        throw refused(
                "template",
                "no template named '" + name + "' is defined ("
                        + (known.isEmpty() ? "none is" : "defined: " + String.join(", ", known)) + ")"
                        + Suggestions.hint(name, known));
    }

    private static PolicyException refused(String path, String message) {
        return new PolicyException(List.of(new PolicyError(path, message)));
    }
}
