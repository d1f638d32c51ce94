package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.SourceVersion;
import org.jenkinsci.Symbol;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.annotation_indexer.Indexed;

/**
 * Configuration-as-code and Pipeline name our global configuration and routers by {@code @Symbol}, and structs'
 * SymbolLookup finds the annotated classes only through annotation-indexer's index (the annotation is {@code @Indexed},
 * not SezPoz's {@code @Indexable}), so the index must list exactly the classes that carry a symbol.
 */
class SymbolTest {

    private static final String INDEX = "META-INF/services/annotations/" + Symbol.class.getName();

    @Test
    void theGlobalConfigurationAndEachRouterHaveTheirShortName() {
        Map<Class<?>, String> expected = new LinkedHashMap<>();
        expected.put(MlRolloutConfiguration.class, "mlRollout");
        expected.put(WebhookRouterSettings.DescriptorImpl.class, "webhook");
        expected.put(IstioRouterSettings.DescriptorImpl.class, "istio");
        expected.put(GatewayApiRouterSettings.DescriptorImpl.class, "gatewayApi");
        expected.put(KServeRouterSettings.DescriptorImpl.class, "kserve");

        expected.forEach((type, symbol) -> {
            Symbol annotation = type.getAnnotation(Symbol.class);
            assertThat(annotation).as("@Symbol on %s", type).isNotNull();
            assertThat(annotation.value()).as("symbol of %s", type).containsExactly(symbol);
        });
    }

    @Test
    void everySymbolIsAJavaIdentifierAndUniqueAmongTheRouters() {
        Set<String> seen = new TreeSet<>();
        for (Class<?> type : CompiledClasses.all()) {
            Symbol symbol = type.getAnnotation(Symbol.class);
            if (symbol == null) {
                continue;
            }
            for (String name : symbol.value()) {
                assertThat(SourceVersion.isIdentifier(name) && !SourceVersion.isKeyword(name))
                        .as("%s on %s is a Java identifier", name, type)
                        .isTrue();
                assertThat(seen.add(name)).as("%s used twice", name).isTrue();
            }
        }
    }

    @Test
    void theMirroredAnnotationIsIndexedAsTheRealOneIs() {
        assertThat(Symbol.class.isAnnotationPresent(Indexed.class)).isTrue();
    }

    @Test
    void annotationIndexListsExactlyTheClassesThatCarryASymbol() throws IOException {
        Set<String> annotated = new TreeSet<>();
        for (Class<?> type : CompiledClasses.all()) {
            if (type.isAnnotationPresent(Symbol.class)) {
                annotated.add(type.getName());
            }
        }
        assertThat(annotated).contains(MlRolloutConfiguration.class.getName());

        // Read as annotation-indexer's Index.listClassNames does: every copy on the class path, one binary name a line.
        Set<String> indexed = new TreeSet<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources(INDEX))) {
            try (InputStream in = url.openStream();
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().map(String::trim).filter(line -> !line.isEmpty()).forEach(indexed::add);
            }
        }
        assertThat(indexed).isEqualTo(annotated);
    }
}
