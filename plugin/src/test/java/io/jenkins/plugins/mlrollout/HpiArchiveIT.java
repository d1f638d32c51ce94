package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.Extension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks the assembled {@code ml-rollout.hpi} as Jenkins will read it: the manifest attributes its plugin manager
 * uses, the layout maven-hpi-plugin would produce, exactly the jars we mean to bundle, and nothing that Jenkins or
 * another plugin provides (okhttp, jackson, kotlin, the Jenkins API mirror).
 */
class HpiArchiveIT {

    private static final String PLUGIN_DEPENDENCIES = "workflow-step-api:724.v538c2362b_dfb_,"
            + "workflow-api:1413.v2ff1a_5e720fa_,"
            + "workflow-support:1015.v785e5a_b_b_8b_22,"
            + "pipeline-input-step:560.v56198a_642157,"
            + "credentials:1511.v2e3cb_0008ef0,"
            + "plain-credentials:199.v9f8e1f741799,"
            + "okhttp-api:5.3.2-200.vedb_720a_cf1f8,"
            + "jackson2-api:2.22.2-445.vdc613f1d8012,"
            + "cloudbees-folder:6.1106.v3a_d9a_6d2465e;resolution:=optional";

    /** The engine, and commons-statistics with the commons-numbers and commons-rng jars it needs at run time. */
    private static final Set<String> BUNDLED = Set.of(
            "ml-rollout",
            "ml-rollout-core",
            "commons-statistics-inference",
            "commons-statistics-descriptive",
            "commons-statistics-distribution",
            "commons-statistics-ranking",
            "commons-numbers-arrays",
            "commons-numbers-combinatorics",
            "commons-numbers-core",
            "commons-numbers-fraction",
            "commons-numbers-gamma",
            "commons-numbers-rootfinder",
            "commons-rng-client-api",
            "commons-rng-sampling",
            // Tier rules: CEL and what it needs that Jenkins core does not ship (Guava, antlr4-runtime and jspecify
            // come from Jenkins core; see noJarOrClassThatJenkinsOrAnotherPluginProvides).
            "compiler",
            "runtime",
            "common",
            "protobuf",
            "protobuf-java",
            "re2j",
            "threeten-extra");

    /** Packages that must come from Jenkins' API plugins, never from our archive. */
    private static final List<String> PROVIDED_BY_PLUGINS = List.of(
            "okhttp3/",
            "okio/",
            "kotlin/",
            "com/fasterxml/jackson/",
            "org/yaml/snakeyaml/",
            // Jenkins core's own libraries, which it loads before any plugin's.
            "com/google/common/",
            "org/antlr/",
            "org/jspecify/");

    private static ZipFile hpi;

    @TempDir
    static Path unpacked;

    @BeforeAll
    static void open() throws IOException {
        Path file = Path.of(System.getProperty("hpi.file", "target/ml-rollout.hpi"));
        assertThat(file).as("the packaged plugin").exists();
        hpi = new ZipFile(file.toFile());
    }

    @AfterAll
    static void close() throws IOException {
        hpi.close();
    }

    @Test
    void manifestHasEveryAttributeJenkinsReads() throws IOException {
        Attributes main = manifest().getMainAttributes();

        assertThat(main.getValue("Manifest-Version")).isEqualTo("1.0");
        assertThat(main.getValue("Short-Name")).isEqualTo("ml-rollout");
        assertThat(main.getValue("Long-Name")).isEqualTo("ML Rollout");
        assertThat(main.getValue("Plugin-Version")).isEqualTo(System.getProperty("hpi.pluginVersion"));
        assertThat(main.getValue("Jenkins-Version")).isEqualTo("2.555.3");
        assertThat(main.getValue("Hudson-Version")).isEqualTo("2.555.3");
        assertThat(main.getValue("Url")).isEqualTo("https://github.com/jenkinsci/ml-rollout-plugin");
        assertThat(main.getValue("Plugin-ScmUrl")).isEqualTo("https://github.com/jenkinsci/ml-rollout-plugin");
        assertThat(main.getValue("Group-Id")).isEqualTo("io.jenkins.plugins.mlrollout");
        assertThat(main.getValue("Artifact-Id")).isEqualTo("ml-rollout");
        assertThat(main.getValue("Plugin-Developers"))
                .as("present, empty without <developers>")
                .isEmpty();
        assertThat(main.getValue("Plugin-License-Name")).isEqualTo("MIT License");
        assertThat(main.getValue("Plugin-License-Url")).isEqualTo("https://opensource.org/license/mit/");
        // Only for a hudson.Plugin subclass, which we do not have.
        assertThat(main.getValue("Plugin-Class")).isNull();
    }

    @Test
    void pluginDependenciesAreExactlyTheApiPluginsWeNeedAndFoldersOptionally() throws IOException {
        String dependencies = manifest().getMainAttributes().getValue("Plugin-Dependencies");
        assertThat(dependencies).isEqualTo(PLUGIN_DEPENDENCIES);
        // Parsed as PluginWrapper.Dependency does: name:version, then ";resolution:=optional" for optional ones.
        List<String> optional = new ArrayList<>();
        for (String dependency : dependencies.split(",")) {
            String[] nameAndVersion = dependency.split(":", 2);
            assertThat(nameAndVersion).hasSize(2);
            String[] versionAndProperty = nameAndVersion[1].split(";");
            if (versionAndProperty.length > 1) {
                assertThat(versionAndProperty).hasSize(2);
                assertThat(versionAndProperty[1]).isEqualTo("resolution:=optional");
                optional.add(nameAndVersion[0]);
            }
        }
        assertThat(optional).containsExactly("cloudbees-folder");
    }

    @Test
    void supportDynamicLoadingIsWrittenOnlyAsMavenHpiPluginWouldWriteIt() throws IOException {
        // true if every @Extension says YES, false if any says NO, left out if any says MAYBE (the default).
        Set<jenkins.YesNoMaybe> answers = new TreeSet<>();
        for (String name : extensionIndex(pluginJar())) {
            answers.add(load(name).getAnnotation(Extension.class).dynamicLoadable());
        }
        assertThat(answers).isNotEmpty();
        String expected = answers.contains(jenkins.YesNoMaybe.NO)
                ? "false"
                : answers.contains(jenkins.YesNoMaybe.MAYBE) ? null : "true";
        assertThat(manifest().getMainAttributes().getValue("Support-Dynamic-Loading"))
                .isEqualTo(expected);
    }

    @Test
    void thePluginJarCarriesTheSameManifest() throws IOException {
        try (JarFile jar = new JarFile(pluginJar().toFile())) {
            Attributes inner = jar.getManifest().getMainAttributes();
            Attributes outer = manifest().getMainAttributes();
            for (String name : List.of(
                    "Short-Name",
                    "Long-Name",
                    "Plugin-Version",
                    "Jenkins-Version",
                    "Hudson-Version",
                    "Plugin-Dependencies",
                    "Url",
                    "Plugin-Developers",
                    "Group-Id",
                    "Artifact-Id",
                    "Plugin-License-Name",
                    "Plugin-License-Url",
                    "Plugin-ScmUrl")) {
                assertThat(inner.getValue(name)).as(name).isEqualTo(outer.getValue(name));
            }
        }
    }

    @Test
    void layoutIsManifestAndWebInfLibOnly() {
        for (ZipEntry entry : Collections.list(hpi.entries())) {
            String name = entry.getName();
            boolean expected = name.equals("META-INF/")
                    || name.equals("META-INF/MANIFEST.MF")
                    || name.equals("WEB-INF/")
                    || name.equals("WEB-INF/lib/")
                    || name.equals("WEB-INF/licenses.xml")
                    || (name.startsWith("WEB-INF/lib/")
                            && name.endsWith(".jar")
                            && name.indexOf('/', "WEB-INF/lib/".length()) < 0);
            assertThat(expected).as("unexpected entry %s", name).isTrue();
        }
        assertThat(hpi.getEntry("WEB-INF/lib/ml-rollout.jar")).isNotNull();
    }

    @Test
    void bundlesExactlyTheEngineAndCommonsStatistics() {
        Set<String> bundled = new TreeSet<>();
        for (String jar : bundledJars()) {
            String file = jar.substring("WEB-INF/lib/".length(), jar.length() - ".jar".length());
            bundled.add(file.replaceFirst("-\\d[^-]*(-SNAPSHOT)?$", ""));
        }
        assertThat(bundled).isEqualTo(new TreeSet<>(BUNDLED));
    }

    @Test
    void thePluginJarHoldsOurClassesViewsAndExtensionIndex() throws IOException {
        Set<String> entries = jarEntries(pluginJar());
        assertThat(entries)
                .contains(
                        "index.jelly",
                        "META-INF/annotations/hudson.Extension",
                        "META-INF/services/annotations/org.jenkinsci.Symbol",
                        "io/jenkins/plugins/mlrollout/MlRolloutConfiguration.class",
                        "io/jenkins/plugins/mlrollout/MlRolloutConfiguration/config.jelly",
                        "io/jenkins/plugins/mlrollout/ModelEndpoint/config.jelly",
                        "io/jenkins/plugins/mlrollout/ModelEndpoint/help-name.html",
                        "io/jenkins/plugins/mlrollout/IstioRouterSettings/config.jelly");
        assertThat(extensionIndex(pluginJar()))
                .contains(MlRolloutConfiguration.class.getName(), ModelEndpoint.DescriptorImpl.class.getName());
    }

    @Test
    void noJarOrClassThatJenkinsOrAnotherPluginProvides() throws IOException {
        for (String jar : bundledJars()) {
            assertThat(jar)
                    .doesNotContainIgnoringCase("okhttp")
                    .doesNotContainIgnoringCase("okio")
                    .doesNotContainIgnoringCase("kotlin")
                    .doesNotContainIgnoringCase("jackson")
                    .doesNotContainIgnoringCase("snakeyaml")
                    .doesNotContain("jenkins-api")
                    .doesNotContain("jenkins-core")
                    .doesNotContain("credentials")
                    .doesNotContain("workflow")
                    .doesNotContain("sezpoz")
                    .doesNotContain("guava")
                    .doesNotContain("failureaccess")
                    .doesNotContain("antlr")
                    .doesNotContain("jspecify")
                    .doesNotContain("spring")
                    .doesNotContain("servlet");
        }
        Set<String> mirror = mirrorClasses();
        assertThat(mirror).contains("hudson/Extension.class", "jenkins/model/Jenkins.class");
        for (String jar : bundledJars()) {
            for (String entry : jarEntries(extract(jar))) {
                for (String provided : PROVIDED_BY_PLUGINS) {
                    assertThat(entry).as("in %s", jar).doesNotStartWith(provided);
                }
                assertThat(mirror).as("%s in %s is a mirror class", entry, jar).doesNotContain(entry);
            }
        }
    }

    @Test
    void licensesXmlListsThePluginAndEveryBundledJarWithItsLicenses() throws Exception {
        ZipEntry entry = hpi.getEntry("WEB-INF/licenses.xml");
        assertThat(entry).as("WEB-INF/licenses.xml").isNotNull();
        Document document;
        try (InputStream in = hpi.getInputStream(entry)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            document = factory.newDocumentBuilder().parse(in);
        }
        Element root = document.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo("licenses");
        assertThat(root.getLocalName()).isEqualTo("dependencies");

        // groupId:artifactId:version of every jar in WEB-INF/lib, as its own pom.properties says; jars built without
        // one (CEL, protobuf-java and re2j are built with Bazel) are matched by artifactId-version, their file name.
        Set<String> bundled = new TreeSet<>();
        Set<String> unnamed = new TreeSet<>();
        for (String jar : bundledJars()) {
            if (!jar.equals("WEB-INF/lib/ml-rollout.jar")) {
                Optional<String> coordinates = coordinates(extract(jar));
                if (coordinates.isPresent()) {
                    bundled.add(coordinates.get());
                } else {
                    unnamed.add(jar.substring("WEB-INF/lib/".length(), jar.length() - ".jar".length()));
                }
            }
        }
        bundled.add("io.jenkins.plugins.mlrollout:ml-rollout:" + System.getProperty("hpi.pluginVersion"));

        Set<String> listed = new TreeSet<>();
        NodeList dependencies = root.getElementsByTagNameNS("licenses", "dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String id = dependency.getAttribute("groupId") + ":" + dependency.getAttribute("artifactId") + ":"
                    + dependency.getAttribute("version");
            assertThat(dependency.getAttribute("name")).as("name of %s", id).isNotBlank();
            NodeList licenses = dependency.getElementsByTagNameNS("licenses", "license");
            assertThat(licenses.getLength()).as("licenses of %s", id).isPositive();
            for (int j = 0; j < licenses.getLength(); j++) {
                Element license = (Element) licenses.item(j);
                assertThat(license.getAttribute("name"))
                        .as("license name of %s", id)
                        .isNotBlank();
                assertThat(license.getAttribute("url"))
                        .as("license url of %s", id)
                        .startsWith("https://");
            }
            assertThat(listed.add(id)).as("%s listed twice", id).isTrue();
        }
        Set<String> listedByFileName = new TreeSet<>();
        for (String id : listed) {
            if (!bundled.contains(id)) {
                String[] parts = id.split(":");
                listedByFileName.add(parts[1] + "-" + parts[2]);
            }
        }
        assertThat(listed).containsAll(bundled);
        assertThat(listedByFileName).isEqualTo(unnamed);
    }

    /** groupId:artifactId:version from the pom.properties Maven writes into every jar it builds. */
    private static Optional<String> coordinates(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            List<JarEntry> found = file.stream()
                    .filter(e -> e.getName().startsWith("META-INF/maven/")
                            && e.getName().endsWith("/pom.properties"))
                    .toList();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            assertThat(found).as("pom.properties in %s", jar).hasSize(1);
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(found.get(0))) {
                properties.load(in);
            }
            return Optional.of(properties.getProperty("groupId") + ":" + properties.getProperty("artifactId") + ":"
                    + properties.getProperty("version"));
        }
    }

    private static Manifest manifest() throws IOException {
        try (InputStream in = hpi.getInputStream(hpi.getEntry("META-INF/MANIFEST.MF"))) {
            return new Manifest(in);
        }
    }

    private static List<String> bundledJars() {
        List<String> jars = new ArrayList<>();
        for (ZipEntry entry : Collections.list(hpi.entries())) {
            if (entry.getName().startsWith("WEB-INF/lib/") && entry.getName().endsWith(".jar")) {
                jars.add(entry.getName());
            }
        }
        assertThat(jars).isNotEmpty();
        return jars;
    }

    private static Path pluginJar() throws IOException {
        return extract("WEB-INF/lib/ml-rollout.jar");
    }

    private static Path extract(String entry) throws IOException {
        Path target = unpacked.resolve(entry.replace('/', '_'));
        if (!Files.exists(target)) {
            try (InputStream in = hpi.getInputStream(hpi.getEntry(entry))) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    private static Set<String> jarEntries(Path jar) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    /** The class names in the jar's SezPoz index, read with the real SezPoz and nothing else on the class path. */
    private static Set<String> extensionIndex(Path jar) throws IOException {
        Set<String> names = new TreeSet<>();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (IndexItem<Extension, Object> item : Index.load(Extension.class, Object.class, loader)) {
                names.add(item.className());
            }
        }
        return names;
    }

    /** Every class file of the Jenkins API mirror, found where the build put it (a directory or a jar). */
    private static Set<String> mirrorClasses() throws IOException {
        Path location;
        try {
            location = Path.of(Extension.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (Files.isRegularFile(location)) {
            Set<String> classes = new TreeSet<>(jarEntries(location));
            classes.removeIf(name -> !name.endsWith(".class"));
            return classes;
        }
        try (Stream<Path> files = Files.walk(location)) {
            Set<String> classes = new TreeSet<>();
            files.filter(p -> p.toString().endsWith(".class"))
                    .forEach(p -> classes.add(location.relativize(p).toString().replace('\\', '/')));
            return classes;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, HpiArchiveIT.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name + " is indexed but not loadable", e);
        }
    }
}
