package io.jenkins.plugins.mlrollout.jenkinsapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every mirror file must say which real artifact, version and source file it stands for. */
class MirrorHeaderTest {

    private static final Path SOURCES = Path.of("src/main/java");

    /**
     * {@code // Mirrors group:artifact:version, path/in/that/repository/Name.java}, which the formatter may wrap onto a
     * second comment line.
     */
    private static final Pattern HEADER = Pattern.compile("^Mirrors ([\\w.-]+):([\\w.-]+):([\\w.-]+), (\\S+\\.java)$");

    @Test
    void everyFileNamesTheArtifactVersionAndSourceFileItMirrors() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);

        for (Path file : files) {
            String header = header(file);
            Matcher matcher = HEADER.matcher(header);
            assertThat(matcher.matches()).as("header of %s: %s", file, header).isTrue();
            String sourcePath = SOURCES.relativize(file).toString().replace('\\', '/');
            assertThat(matcher.group(4)).as("mirrored path named in %s", file).endsWith(sourcePath);
        }
    }

    @Test
    void everyFileMirrorsOneOfTheArtifactsThePluginDeclaresAsDependencies() throws IOException {
        List<String> allowed = List.of(
                "org.jenkins-ci.main:jenkins-core:2.555.3",
                "org.kohsuke.stapler:stapler:2076.v1b_a_c12445eb_e",
                "org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_",
                "org.jenkins-ci.plugins.workflow:workflow-api:1413.v2ff1a_5e720fa_",
                "org.jenkins-ci.plugins.workflow:workflow-support:1015.v785e5a_b_b_8b_22",
                "org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0",
                "org.jenkins-ci.plugins:plain-credentials:199.v9f8e1f741799",
                "org.jenkins-ci.plugins:pipeline-input-step:560.v56198a_642157",
                "io.jenkins.plugins:okhttp-api:5.3.2-200.vedb_720a_cf1f8",
                // An optional dependency of the plugin.
                "org.jenkins-ci.plugins:cloudbees-folder:6.1106.v3a_d9a_6d2465e",
                "org.kohsuke.stapler:json-lib:2.4-jenkins-15",
                // Libraries of jenkins-core 2.555.3 (its bom), where @Symbol and its indexer come from.
                "org.jenkins-ci:symbol-annotation:1.26",
                "org.jenkins-ci:annotation-indexer:1.213.v92788b_1f0a_21");
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = HEADER.matcher(header(file));
                assertThat(matcher.matches()).as("header of %s", file).isTrue();
                String coordinates = matcher.group(1) + ":" + matcher.group(2) + ":" + matcher.group(3);
                assertThat(allowed).as("artifact mirrored by %s", file).contains(coordinates);
            }
        }
    }

    /** The leading {@code //} comment lines, joined. */
    private static String header(Path file) throws IOException {
        StringBuilder header = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("// ")) {
                break;
            }
            header.append(header.length() == 0 ? "" : " ")
                    .append(line.substring(3).trim());
        }
        return header.toString();
    }
}
