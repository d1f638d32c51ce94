package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Jelly views and help files are only read by a running Jenkins, so mistakes in them surface late: these checks parse
 * every one as XML and hold every property a view names against the class it belongs to
 * ({@code io/jenkins/plugins/mlrollout/X/config.jelly} belongs to {@code X}).
 */
class ViewsTest {

    private static final String PACKAGE_DIR = "io/jenkins/plugins/mlrollout/";
    /** {@code ${it.x}}, {@code ${instance.x}} or {@code ${descriptor.x}} (the first property only). */
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{(it|instance|descriptor)\\.([A-Za-z_][\\w]*)");

    @Test
    void everyJellyAndHelpFileIsWellFormedXml() throws Exception {
        List<Path> files = new ArrayList<>(CompiledClasses.resources(".jelly"));
        files.addAll(CompiledClasses.resources(".html"));
        assertThat(files).hasSizeGreaterThan(20);
        for (Path file : files) {
            parse(file); // throws with the file's line and column if it is not well-formed
        }
    }

    @Test
    void thePluginHasADescriptionPage() throws Exception {
        Path index = CompiledClasses.root().resolve("index.jelly");
        assertThat(index).exists();
        assertThat(parse(index).getDocumentElement().getTextContent()).contains("rollout");
    }

    @Test
    void everyJellyViewEscapesByDefault() throws IOException {
        for (Path file : CompiledClasses.resources(".jelly")) {
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as("%s", file)
                    .startsWith("<?jelly escape-by-default='true'?>");
        }
    }

    @Test
    void everyFieldAndExpressionInAViewNamesAnExistingGetter() throws Exception {
        List<Path> views = viewsOfClasses();
        assertThat(views).hasSizeGreaterThanOrEqualTo(6);
        for (Path view : views) {
            Class<?> owner = ownerOf(view);
            for (String field : fields(parse(view))) {
                assertThat(DataBindingTest.getter(owner, field))
                        .as("%s: field=\"%s\" on %s", view.getFileName(), field, owner.getSimpleName())
                        .isPresent();
            }
            Matcher m = EXPRESSION.matcher(Files.readString(view, StandardCharsets.UTF_8));
            while (m.find()) {
                Class<?> target = m.group(1).equals("descriptor") ? descriptorOf(owner) : owner;
                assertThat(DataBindingTest.getter(target, m.group(2)))
                        .as("%s: ${%s.%s} on %s", view.getFileName(), m.group(1), m.group(2), target.getSimpleName())
                        .isPresent();
            }
        }
    }

    @Test
    void everyFieldInAFormHasHelpAndEveryHelpFileBelongsToAField() throws Exception {
        for (Path view : viewsOfClasses()) {
            Class<?> owner = ownerOf(view);
            for (String field : fields(parse(view))) {
                assertThat(helpFor(owner, field))
                        .as("help-%s.html for %s (or a superclass)", field, owner.getSimpleName())
                        .isPresent();
            }
        }
        List<Path> helpFiles = CompiledClasses.resources(".html").stream()
                .filter(p -> p.getFileName().toString().startsWith("help-"))
                .toList();
        assertThat(helpFiles).hasSizeGreaterThan(15);
        for (Path help : helpFiles) {
            String name = help.getFileName().toString();
            String field = name.substring("help-".length(), name.length() - ".html".length());
            assertThat(DataBindingTest.getter(ownerOf(help), field))
                    .as("%s belongs to a property of %s", name, ownerOf(help).getSimpleName())
                    .isPresent();
        }
    }

    @Test
    void aMisspelledFieldIsCaught() throws Exception {
        // The checks above must be able to fail: a view naming a property its class lacks is found.
        Document view = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(
                        "<j:jelly xmlns:j='jelly:core'><f:entry xmlns:f='/lib/form' field='prometheusURL'/></j:jelly>"
                                .getBytes(StandardCharsets.UTF_8)));
        assertThat(fields(view)).containsExactly("prometheusURL");
        assertThat(DataBindingTest.getter(ModelEndpoint.class, "prometheusURL")).isEmpty();
    }

    private static List<Path> viewsOfClasses() {
        return CompiledClasses.resources(".jelly").stream()
                .filter(p -> CompiledClasses.root()
                        .relativize(p)
                        .toString()
                        .replace('\\', '/')
                        .startsWith(PACKAGE_DIR))
                .toList();
    }

    /** The class whose resource directory holds {@code file}. */
    private static Class<?> ownerOf(Path file) {
        String dir =
                CompiledClasses.root().relativize(file.getParent()).toString().replace('\\', '/');
        try {
            return Class.forName(dir.replace('/', '.'), false, ViewsTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(file + " is not in the resource directory of a class", e);
        }
    }

    /** A global configuration is its own descriptor; other describables have a nested one. */
    private static Class<?> descriptorOf(Class<?> owner) {
        if (Descriptor.class.isAssignableFrom(owner)) {
            return owner;
        }
        for (Class<?> nested : owner.getDeclaredClasses()) {
            if (Descriptor.class.isAssignableFrom(nested)) {
                return nested;
            }
        }
        throw new AssertionError(owner + " has no nested descriptor");
    }

    /** Looks for {@code help-<field>.html} beside the class's views, then beside its superclasses', as Jenkins does. */
    private static Optional<Path> helpFor(Class<?> owner, String field) {
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            Path help = CompiledClasses.root()
                    .resolve(c.getName().replace('.', '/'))
                    .resolve("help-" + field + ".html");
            if (Files.exists(help)) {
                return Optional.of(help);
            }
        }
        return Optional.empty();
    }

    private static List<String> fields(Document view) {
        List<String> fields = new ArrayList<>();
        collectFields(view.getDocumentElement(), fields);
        return fields;
    }

    private static void collectFields(Element element, List<String> into) {
        NamedNodeMap attributes = element.getAttributes();
        Node field = attributes.getNamedItem("field");
        if (field != null) {
            into.add(field.getNodeValue());
        }
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child) {
                collectFields(child, into);
            }
        }
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        try (InputStream in = Files.newInputStream(file)) {
            return factory.newDocumentBuilder().parse(in, file.toUri().toString());
        }
    }
}
