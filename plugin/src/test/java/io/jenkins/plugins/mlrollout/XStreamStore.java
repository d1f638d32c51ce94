package io.jenkins.plugins.mlrollout;

import com.thoughtworks.xstream.XStream;
import com.thoughtworks.xstream.converters.Converter;
import com.thoughtworks.xstream.converters.MarshallingContext;
import com.thoughtworks.xstream.converters.UnmarshallingContext;
import com.thoughtworks.xstream.io.HierarchicalStreamReader;
import com.thoughtworks.xstream.io.HierarchicalStreamWriter;
import com.thoughtworks.xstream.io.xml.PrettyPrintWriter;
import com.thoughtworks.xstream.io.xml.StandardStaxDriver;
import com.thoughtworks.xstream.security.AnyTypePermission;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;

/**
 * The endpoint holders file as Jenkins' {@code hudson.XmlFile} keeps it, with the XStream release jenkins-core 2.555.3
 * uses and the settings its XStream2 starts from (its driver, every type permitted since Jenkins filters classes
 * itself, and only the JDK classes it allows): an XML 1.1 header, written to a temporary file and moved into place, and anything XStream cannot
 * read reported as an {@code IOException} naming the file. What XStream2 adds over XStream (lenient converters that
 * skip unreadable entries of maps and lists) is not on Maven Central and not reproduced.
 */
final class XStreamStore implements EndpointLocks.Store {

    private static final XStream XSTREAM = new XStream(new JenkinsLikeDriver());

    /**
     * As XStream2's driver: the JDK's StAX reader without namespaces or external entities, and XStream's pretty-printing
     * writer for XML 1.1 (StandardStaxDriver's own factories are not accessible on Java 17).
     */
    private static final class JenkinsLikeDriver extends StandardStaxDriver {
        @Override
        protected XMLInputFactory createInputFactory() {
            XMLInputFactory factory = XMLInputFactory.newInstance();
            factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
            factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            return factory;
        }

        @Override
        protected XMLOutputFactory createOutputFactory() {
            return XMLOutputFactory.newInstance();
        }

        @Override
        public HierarchicalStreamWriter createWriter(Writer out) {
            return new PrettyPrintWriter(out, PrettyPrintWriter.XML_1_1, getNameCoder());
        }
    }

    /**
     * The JDK classes the holders file uses that jenkins-core 2.555.3 lets XStream write and read
     * ({@code jenkins/security/whitelisted-classes.txt}); Jenkins refuses to marshal any other JDK class ("Refusing to
     * marshal java.time.Instant for security reasons", as seen in a real Jenkins).
     */
    private static final Set<String> JDK_CLASSES_JENKINS_ALLOWS =
            Set.of("java.lang.String", "java.util.ArrayList", "java.util.HashMap", "java.util.HashSet");

    static {
        XSTREAM.addPermission(AnyTypePermission.ANY);
        XSTREAM.registerConverter(
                new Converter() {
                    @Override
                    public boolean canConvert(Class type) {
                        return type != null
                                && !type.isPrimitive()
                                && type.getName().startsWith("java.")
                                && !type.getName().startsWith("java.lang.")
                                && !JDK_CLASSES_JENKINS_ALLOWS.contains(type.getName());
                    }

                    @Override
                    public void marshal(Object source, HierarchicalStreamWriter writer, MarshallingContext context) {
                        throw new UnsupportedOperationException(
                                "Refusing to marshal " + source.getClass().getName() + " for security reasons");
                    }

                    @Override
                    public Object unmarshal(HierarchicalStreamReader reader, UnmarshallingContext context) {
                        throw new UnsupportedOperationException("Refusing to unmarshal " + reader.getNodeName());
                    }
                },
                XStream.PRIORITY_VERY_HIGH);
    }

    private final Path file;

    XStreamStore(Path file) {
        this.file = file;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public boolean exists() {
        return Files.exists(file);
    }

    @Override
    public Object read() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return XSTREAM.fromXML(in);
        } catch (RuntimeException | Error e) {
            throw new IOException("Unable to read " + file, e);
        }
    }

    @Override
    public void write(Object state) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            out.write("<?xml version='1.1' encoding='UTF-8'?>\n");
            XSTREAM.toXML(state, out);
        } catch (RuntimeException e) {
            throw new IOException(e);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
