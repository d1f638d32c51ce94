package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin's texts in Messages.properties, read through the Messages class that localizer-maven-plugin generates from
 * it: each one is a MessageFormat pattern whose quotes survive formatting, and each one is used.
 */
class MessagesTest {

    private static Properties messages() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("Messages.properties")) {
            properties.load(in);
        }
        return properties;
    }

    @Test
    void everyQuoteInATextIsDoubledSoThatMessageFormatKeepsIt() throws IOException {
        Properties messages = messages();
        assertThat(messages).isNotEmpty();
        for (String key : messages.stringPropertyNames()) {
            String pattern = messages.getProperty(key);
            assertThat(pattern.replace("''", ""))
                    .as("%s: a single ' starts a quoted part in MessageFormat and disappears", key)
                    .doesNotContain("'");
            long singleQuotes = pattern.chars().filter(c -> c == '\'').count() / 2;
            String formatted = new MessageFormat(pattern).format(new Object[] {"x"});
            assertThat(formatted.chars().filter(c -> c == '\'').count()).as(key).isEqualTo(singleQuotes);
        }
    }

    @Test
    void theGeneratedClassHasAMethodForEveryKeyAndTheCodeUsesEveryKey() throws IOException {
        Set<String> methods = Arrays.stream(Messages.class.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && !m.getName().startsWith("_"))
                .map(Method::getName)
                .collect(Collectors.toSet());
        Set<String> keys = messages().stringPropertyNames().stream()
                .map(k -> k.replace('.', '_'))
                .collect(Collectors.toSet());
        assertThat(methods).isEqualTo(keys);
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java"))
                    .map(MessagesTest::read)
                    .collect(Collectors.joining("\n"));
        }
        for (String key : keys) {
            assertThat(sources).as("a use of %s", key).contains("Messages." + key + "(");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aTextWithAnArgumentReadsAsWritten() {
        assertThat(Messages.FieldRules_EndpointName("Fraud Scorer"))
                .isEqualTo("'Fraud Scorer' must start with a lower-case letter or a digit and contain only lower-case"
                        + " letters, digits and '-'");
        assertThat(Messages.RolloutAction_DisplayName("fraud-scorer")).isEqualTo("ML Rollout: fraud-scorer");
        assertThat(Messages.FieldRules_Negative(String.valueOf(-1234))).isEqualTo("must be 0 or more, not -1234");
    }
}
