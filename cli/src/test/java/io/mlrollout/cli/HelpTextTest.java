package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Every help text is written as picocli formats it: a lone {@code %} ("20%;") makes every {@code mlrollout … --help}
 * print a warning, and then the raw text. Read from the annotations as written, since picocli hands out the texts
 * already formatted.
 */
class HelpTextTest {

    @Test
    void everyDescriptionFormatsWithoutAWarning() {
        CommandLine root = MlRollout.commandLine(new Environment(Map.of(), () -> null, (p, c) -> null));
        List<Class<?>> commands = new ArrayList<>(List.of(root.getCommand().getClass()));
        root.getSubcommands()
                .values()
                .forEach(sub -> commands.add(sub.getCommand().getClass()));
        List<String> unformattable = new ArrayList<>();

        for (Class<?> command : commands) {
            for (String text : texts(command)) {
                try {
                    String.format(text);
                } catch (IllegalFormatException e) {
                    unformattable.add(command.getSimpleName() + ": " + text);
                }
            }
        }

        assertThat(unformattable).isEmpty();
        assertThat(commands).hasSizeGreaterThan(10);
    }

    /** An option shown in --help with no words after it, or as picocli's {@code <fieldName>}, tells a user nothing. */
    @Test
    void everyOptionSaysWhatItDoesAndNamesItsValue() {
        CommandLine root = MlRollout.commandLine(new Environment(Map.of(), () -> null, (p, c) -> null));
        List<String> unexplained = new ArrayList<>();

        for (CommandLine sub : root.getSubcommands().values()) {
            for (CommandLine.Model.OptionSpec option : sub.getCommandSpec().options()) {
                String name = sub.getCommandName() + " " + option.longestName();
                if (String.join("", option.description()).isBlank()) {
                    unexplained.add(name + ": no description");
                }
                if (option.arity().max() > 0 && option.paramLabel().startsWith("<")) {
                    unexplained.add(name + ": value shown as " + option.paramLabel());
                }
            }
        }

        assertThat(unexplained).isEmpty();
    }

    /** The command's description and those of its options and parameters, its mixins' and its superclasses' too. */
    private static List<String> texts(Class<?> type) {
        List<String> texts = new ArrayList<>();
        Command command = type.getAnnotation(Command.class);
        if (command != null) {
            texts.addAll(List.of(command.description()));
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                Parameters parameters = field.getAnnotation(Parameters.class);
                if (option != null) {
                    texts.addAll(List.of(option.description()));
                }
                if (parameters != null) {
                    texts.addAll(List.of(parameters.description()));
                }
                if (field.isAnnotationPresent(Mixin.class)) {
                    texts.addAll(texts(field.getType()));
                }
            }
        }
        return texts;
    }
}
