package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.jelly.JellyContext;
import org.apache.commons.jelly.JellyException;
import org.apache.commons.jelly.TagLibrary;
import org.apache.commons.jelly.expression.ConstantExpression;
import org.apache.commons.jelly.expression.Expression;
import org.apache.commons.jelly.expression.ExpressionFactory;
import org.apache.commons.jelly.parser.XMLParser;
import org.junit.jupiter.api.Test;

/**
 * Compiles every view of the plugin the way Stapler does when Jenkins first shows it (and as the test maven-hpi-plugin
 * generates in a real plugin build does): commons-jelly parses the file, every {@code ${...}} goes through JEXL as
 * Jenkins' expression factory does (a parse error refuses the whole view), and every {@code ${%...}} follows Stapler's
 * internationalised-text rules: the key is the text before the first {@code (}, and what follows, up to the matching
 * {@code )}, is a comma-separated list of JEXL arguments. Then every text used must show something: a key found in the
 * view's {@code .properties}, or a key that reads well as it is (no arguments dropped, no stray spaces).
 */
class ViewCompileTest {

    /** Stapler's CustomXMLParser: {@code "%text"} or {@code '%text'} inside an expression is a resource literal. */
    private static final Pattern RESOURCE_LITERAL = Pattern.compile("(\"%[^\"]+\")|('%[^']+')");

    /** One {@code ${%...}} found in a view. */
    record Text(String key, int arguments) {}

    /** Jelly's parser with Stapler's expression rules; remembers the texts it saw. */
    static final class StaplerRulesParser extends XMLParser implements ExpressionFactory {
        final List<Text> texts = new ArrayList<>();

        StaplerRulesParser() {
            JellyContext context = new JellyContext();
            // Stapler's own tags (st:include, st:nbsp, ...) are not what is checked here: read them as static tags,
            // as plain jelly reads /lib/layout and /lib/form, while their attributes are still compiled.
            context.registerTagLibrary("jelly:stapler", new TagLibrary() {});
            setContext(context);
        }

        @Override
        protected ExpressionFactory createExpressionFactory() {
            return this;
        }

        @Override
        public Expression createExpression(String text) throws JellyException {
            if (text.startsWith("%")) {
                return internationalised(text);
            }
            Matcher literal = RESOURCE_LITERAL.matcher(text);
            StringBuilder rest = new StringBuilder();
            int end = 0;
            int count = 0;
            while (literal.find()) {
                String quoted = literal.group();
                internationalised(quoted.substring(1, quoted.length() - 1));
                rest.append(text, end, literal.start())
                        .append("__resourceLiteral__")
                        .append(count++);
                end = literal.end();
            }
            rest.append(text.substring(end));
            return jexl(rest.toString());
        }

        /** As Stapler's InternationalizedStringExpression reads {@code %key(arg,arg)}. */
        private Expression internationalised(String text) throws JellyException {
            String body = text.substring(1);
            int open = body.indexOf('(');
            if (open < 0) {
                texts.add(new Text(body, 0));
                return new ConstantExpression(body);
            }
            String key = body.substring(0, open);
            String rest = body.substring(open + 1);
            int arguments = 0;
            while (!rest.isEmpty()) {
                String token = argument(rest, text);
                jexl(token);
                arguments++;
                rest = rest.substring(token.length() + 1);
            }
            texts.add(new Text(key, arguments));
            return new ConstantExpression(key);
        }

        /** Stapler's tokenizer: the text up to the next top-level {@code ,} or {@code )}, skipping quoted strings. */
        private static String argument(String text, String whole) throws JellyException {
            int depth = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case ',' -> {
                        if (depth == 0) {
                            return text.substring(0, i);
                        }
                    }
                    case '(', '{', '[' -> depth++;
                    case ')' -> {
                        if (depth == 0) {
                            return text.substring(0, i);
                        }
                        depth--;
                    }
                    case '}', ']' -> depth--;
                    case '"', '\'' -> i = text.indexOf(c, i + 1);
                    default -> {}
                }
                if (i < 0) {
                    break; // an unclosed string: Stapler's loop ends here too
                }
            }
            throw new JellyException(whole + " is missing ')' at the end");
        }

        /** As Jenkins' ExpressionFactory2: any JEXL parse failure is a JellyException that refuses the view. */
        private static Expression jexl(String text) throws JellyException {
            try {
                org.apache.commons.jexl.Expression parsed =
                        org.apache.commons.jexl.ExpressionFactory.createExpression(text);
                return new ConstantExpression(parsed.getExpression());
            } catch (Exception e) {
                throw new JellyException("Unable to create expression: " + text, e);
            }
        }
    }

    /** Compiles one view; returns the texts it uses. */
    static List<Text> compile(Path view) throws Exception {
        StaplerRulesParser parser = new StaplerRulesParser();
        try (InputStream in = Files.newInputStream(view)) {
            parser.parse(in);
        }
        return parser.texts;
    }

    @Test
    void everyViewCompilesWithStaplersExpressionRules() throws Exception {
        List<Path> views = CompiledClasses.resources(".jelly");
        assertThat(views).hasSizeGreaterThanOrEqualTo(8);
        for (Path view : views) {
            try {
                compile(view);
            } catch (Exception e) {
                throw new AssertionError(view + " does not compile: " + e + causeOf(e), e);
            }
        }
    }

    @Test
    void everyTextAViewUsesHasWordsToShow() throws Exception {
        for (Path view : CompiledClasses.resources(".jelly")) {
            Properties texts = properties(view);
            for (Text text : compile(view)) {
                String shown = texts.getProperty(text.key());
                if (shown != null && !shown.isBlank()) {
                    continue;
                }
                assertThat(text.key())
                        .as("%s: ${%%%s} has no entry in its .properties, so it shows its key", view, text.key())
                        .isNotBlank()
                        .isEqualTo(text.key().strip());
                assertThat(text.arguments())
                        .as(
                                "%s: ${%%%s(...)} has arguments but no text in its .properties to put them in",
                                view, text.key())
                        .isZero();
            }
        }
    }

    @Test
    void theRulesRefuseWhatStaplerRefuses() {
        StaplerRulesParser parser = new StaplerRulesParser();
        assertThatThrownBy(() -> parser.createExpression("%Override as administrator (recorded as an override)"))
                .isInstanceOf(JellyException.class);
        assertThatThrownBy(() -> parser.createExpression("%Comment (the decision record; required to approve)"))
                .isInstanceOf(JellyException.class);
        assertThatThrownBy(() -> parser.createExpression("%Total(a,b")).hasMessageContaining("missing ')'");
    }

    @Test
    void theRulesReadKeysAndArgumentsAsStaplerDoes() throws Exception {
        StaplerRulesParser parser = new StaplerRulesParser();
        parser.createExpression("%Policy (YAML or JSON)");
        parser.createExpression("%Built by {0} at {1}(it.user, it.time(1, 2))");
        parser.createExpression("it.label('%Yes', \"%No\")");
        assertThat(parser.texts)
                .containsExactly(
                        new Text("Policy ", 1),
                        new Text("Built by {0} at {1}", 2),
                        new Text("Yes", 0),
                        new Text("No", 0));
    }

    private static Properties properties(Path view) throws IOException {
        String name = view.getFileName().toString();
        Path file = view.resolveSibling(name.substring(0, name.length() - ".jelly".length()) + ".properties");
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
        }
        return properties;
    }

    private static String causeOf(Throwable e) {
        return e.getCause() == null ? "" : " (" + e.getCause() + ")";
    }
}
