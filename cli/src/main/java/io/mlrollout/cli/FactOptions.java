package io.mlrollout.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --fact NAME=VALUE} and {@code --facts FILE}: the facts about a change for a policy's risk tiers. */
final class FactOptions {

    @Option(
            names = "--fact",
            paramLabel = "NAME=VALUE",
            description = "a fact about the change for the policy's tier rules, e.g. changeType=retrain or"
                    + " evalDelta=0.001 (repeatable); read as the type the policy declares")
    List<String> facts = new ArrayList<>();

    @Option(
            names = "--facts",
            paramLabel = "FILE",
            description = "the facts as a YAML or JSON mapping, e.g. {changeType: retrain, evalDelta: 0.001}; with"
                    + " --fact for the rest (a fact given in both is refused)")
    Path factsFile;

    /** Whether any fact was given, by either option. */
    boolean given() {
        return !facts.isEmpty() || factsFile != null;
    }

    /** The facts of --facts and --fact together. */
    Map<String, Object> stated() throws InputException, IOException {
        List<InputError> repeated = new ArrayList<>();
        Map<String, String> given = NameValueOption.read(facts, "--fact", repeated);
        if (!repeated.isEmpty()) {
            throw new InputException("", repeated);
        }
        Map<String, Object> stated = new LinkedHashMap<>();
        if (factsFile != null) {
            stated.putAll(FactsFile.read(factsFile));
        }
        for (Map.Entry<String, String> fact : given.entrySet()) {
            if (stated.containsKey(fact.getKey())) {
                throw new InputException(
                        "", "--fact", fact.getKey() + " is in " + factsFile + " already; give it once");
            }
            stated.put(fact.getKey(), fact.getValue());
        }
        return stated;
    }
}
