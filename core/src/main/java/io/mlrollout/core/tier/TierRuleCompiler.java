package io.mlrollout.core.tier;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Compiles tier rules with CEL against the declared facts: a rule must parse, name only declared facts and yield a
 * bool, which the CEL type checker proves before any fact has a value.
 */
public final class TierRuleCompiler {

    /** A CEL identifier that is not one of CEL's reserved words. */
    static final Pattern FACT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final List<String> RESERVED = List.of(
            "true",
            "false",
            "null",
            "in",
            "as",
            "break",
            "const",
            "continue",
            "else",
            "for",
            "function",
            "if",
            "import",
            "let",
            "loop",
            "package",
            "namespace",
            "return",
            "var",
            "void",
            "while");

    /** {@code evalDelta >= 0} must work when evalDelta is a double: compare int, uint and double by value. */
    private static final CelOptions OPTIONS =
            CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private final CelCompiler compiler;

    public TierRuleCompiler(Map<String, FactType> facts) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setResultType(SimpleType.BOOL);
        facts.forEach((name, type) -> builder.addVar(name, type.celType()));
        this.compiler = builder.build();
    }

    /** Empty when {@code name} can be a fact; else the reason it cannot. */
    public static Optional<String> refuseFactName(String name) {
        if (!FACT_NAME.matcher(name).matches()) {
            return Optional.of(
                    "'" + name + "' is not a fact name: use letters, digits and _, not starting with a digit");
        }
        if (RESERVED.contains(name)) {
            return Optional.of("'" + name + "' is a reserved word of CEL; choose another fact name");
        }
        return Optional.empty();
    }

    /** A rule that compiled; evaluating it needs a value for every declared fact. */
    public static final class Rule {
        private final CelRuntime.Program program;

        private Rule(CelRuntime.Program program) {
            this.program = program;
        }

        /**
         * @throws IllegalArgumentException with CEL's reason when evaluation fails (e.g. a division by zero), or when
         *     the rule yields no bool: the checker lets {@code dyn(...)} pass as one, so only evaluation can tell
         */
        public boolean holds(Map<String, Object> facts) {
            Object value;
            try {
                value = program.eval(facts);
            } catch (CelEvaluationException e) {
                throw new IllegalArgumentException("could not be evaluated: " + e.getMessage(), e);
            }
            if (value instanceof Boolean yes) {
                return yes;
            }
            throw new IllegalArgumentException("must yield a bool, but gave " + value + " for facts " + facts);
        }
    }

    /**
     * The compiled rule, or the reasons it was refused (each a sentence; CEL's positions are left out, the rule is
     * short).
     */
    public Result compile(String expression) {
        CelValidationResult result = compiler.compile(expression);
        if (result.hasError()) {
            return new Result(
                    Optional.empty(),
                    result.getErrors().stream().map(TierRuleCompiler::describe).toList());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Result(Optional.of(new Rule(RUNTIME.createProgram(ast))), List.of());
        } catch (CelValidationException | CelEvaluationException e) {
            return new Result(Optional.empty(), List.of(e.getMessage()));
        }
    }

    /** A compiled rule, or why not. */
    public record Result(Optional<Rule> rule, List<String> errors) {}

    private static String describe(CelIssue issue) {
        return issue.getMessage()
                .replace(" (in container '')", "")
                .replaceFirst(" \\(candidates: .*\\)$", "")
                .replace("undeclared reference to", "undeclared reference");
    }
}
