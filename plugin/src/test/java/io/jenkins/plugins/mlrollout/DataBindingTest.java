package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Stapler builds our objects from forms, and structs/configuration-as-code build and export them, by parameter and
 * property names: the constructor's parameter names must survive compilation (javac -parameters), and every bound
 * property needs a getter of the same type so that a saved value shows in the form and exports again.
 */
class DataBindingTest {

    @Test
    void dataBoundConstructorsKeepTheirParameterNamesAndEachHasAGetter() {
        List<Constructor<?>> constructors = new ArrayList<>();
        for (Class<?> type : CompiledClasses.all()) {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.isAnnotationPresent(DataBoundConstructor.class)) {
                    constructors.add(constructor);
                }
            }
        }
        assertThat(constructors).hasSizeGreaterThanOrEqualTo(5);

        for (Constructor<?> constructor : constructors) {
            assertThat(Modifier.isPublic(constructor.getModifiers()))
                    .as("%s is public", constructor)
                    .isTrue();
            for (Parameter parameter : constructor.getParameters()) {
                assertThat(parameter.isNamePresent())
                        .as("name of %s in %s", parameter, constructor)
                        .isTrue();
                Optional<Method> getter = getter(constructor.getDeclaringClass(), parameter.getName());
                assertThat(getter)
                        .as("getter for %s of %s", parameter.getName(), constructor.getDeclaringClass())
                        .isPresent();
                assertThat(getter.get().getReturnType()).isEqualTo(parameter.getType());
            }
        }
    }

    @Test
    void everyDataBoundSetterHasAGetterOfTheSameType() {
        List<Method> setters = new ArrayList<>();
        for (Class<?> type : CompiledClasses.all()) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(DataBoundSetter.class)) {
                    setters.add(method);
                }
            }
        }
        assertThat(setters).hasSizeGreaterThanOrEqualTo(10);

        for (Method setter : setters) {
            assertThat(setter.getName()).as("setter name").startsWith("set");
            assertThat(setter.getParameterCount())
                    .as("%s takes one value", setter)
                    .isEqualTo(1);
            assertThat(Modifier.isPublic(setter.getModifiers()))
                    .as("%s is public", setter)
                    .isTrue();
            String property = decapitalize(setter.getName().substring(3));
            Optional<Method> getter = getter(setter.getDeclaringClass(), property);
            assertThat(getter).as("getter for %s", setter).isPresent();
            assertThat(getter.get().getReturnType())
                    .as("type of the getter for %s", setter)
                    .isEqualTo(setter.getParameterTypes()[0]);
        }
    }

    @Test
    void aParameterNameWithoutAGetterIsNoticed() throws NoSuchMethodException {
        // The check above must be able to fail: a constructor parameter that has no getter is reported as missing.
        Constructor<?> constructor = Unexportable.class.getDeclaredConstructor(String.class);
        assertThat(constructor.getParameters()[0].getName()).isEqualTo("label");
        assertThat(getter(Unexportable.class, "label")).isEmpty();
    }

    /** A public, no-argument {@code getX()} or {@code isX()} (for booleans), inherited ones included. */
    static Optional<Method> getter(Class<?> type, String property) {
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : List.of("get" + capitalized, "is" + capitalized)) {
            try {
                Method method = type.getMethod(name);
                if (name.startsWith("is") && method.getReturnType() != boolean.class) {
                    continue;
                }
                return Optional.of(method);
            } catch (NoSuchMethodException e) {
                // try the next spelling
            }
        }
        return Optional.empty();
    }

    private static String decapitalize(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** A bound class that forgot its getter. */
    static final class Unexportable {
        @SuppressWarnings("unused")
        private final String label;

        Unexportable(String label) {
            this.label = label;
        }
    }
}
