package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.Extension;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.junit.jupiter.api.Test;

/**
 * Jenkins finds extensions only through SezPoz's index, so the index the build wrote must list exactly the elements
 * our classes annotate with {@code @Extension}: read with the real SezPoz, as Jenkins' ExtensionFinder reads it.
 */
class ExtensionIndexTest {

    @Test
    void sezpozIndexListsEveryExtensionInOurClassesAndNothingElse() {
        Set<String> indexed = new TreeSet<>();
        for (IndexItem<Extension, Object> item :
                Index.load(Extension.class, Object.class, getClass().getClassLoader())) {
            indexed.add(item.className() + (item.memberName() == null ? "" : "#" + item.memberName()));
        }

        Set<String> annotated = new TreeSet<>();
        for (Class<?> type : CompiledClasses.all()) {
            if (type.isAnnotationPresent(Extension.class)) {
                annotated.add(type.getName());
            }
            for (AnnotatedElement member : members(type)) {
                if (member.isAnnotationPresent(Extension.class)) {
                    annotated.add(type.getName() + "#" + ((java.lang.reflect.Member) member).getName());
                }
            }
        }

        assertThat(annotated)
                .contains(
                        MlRolloutConfiguration.class.getName(),
                        ModelEndpoint.DescriptorImpl.class.getName(),
                        IstioRouterSettings.DescriptorImpl.class.getName());
        assertThat(indexed).isEqualTo(annotated);
    }

    @Test
    void everyExtensionCanBeInstantiatedTheWayJenkinsDoes() {
        // ExtensionFinder.Sezpoz calls the public no-argument constructor of each indexed class.
        for (Class<?> type : CompiledClasses.all()) {
            if (!type.isAnnotationPresent(Extension.class)) {
                continue;
            }
            assertThat(Modifier.isPublic(type.getModifiers()))
                    .as("%s is public", type)
                    .isTrue();
            assertThat(Modifier.isAbstract(type.getModifiers()))
                    .as("%s is abstract", type)
                    .isFalse();
            if (type.getEnclosingClass() != null) {
                assertThat(Modifier.isStatic(type.getModifiers()))
                        .as("%s is static", type)
                        .isTrue();
            }
            assertThat(type.getConstructors())
                    .as("%s has a public no-argument constructor", type)
                    .anyMatch(c -> c.getParameterCount() == 0);
        }
    }

    private static List<AnnotatedElement> members(Class<?> type) {
        List<AnnotatedElement> members = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            members.add(field);
        }
        for (Method method : type.getDeclaredMethods()) {
            members.add(method);
        }
        return members;
    }
}
