package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.Extension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Folders plugin is an optional dependency: a Jenkins without it (the one the smoke tests use) must still load the
 * plugin. Jenkins then links our classes without any {@code com.cloudbees.hudson.plugins.folder} class; here a class
 * loader does the same, and each extension is registered as Jenkins' extension finder (ExtensionFinder.GuiceFinder)
 * does: load the class and read its superclass, interfaces, no-argument constructor, methods and fields. The classes
 * that need folders must be exactly the optional extensions (which the finder then skips, logging at FINE), and every
 * other class must link.
 */
class WithoutFoldersTest {

    private static final String FOLDERS = "com.cloudbees.hudson.plugins.folder.";
    private static final String OURS = "io.jenkins.plugins.mlrollout.";

    /** Defines the plugin's own classes itself, as Jenkins' plugin class loader does, and finds no folder class. */
    private static final class JenkinsWithoutFolders extends ClassLoader {
        JenkinsWithoutFolders() {
            super(WithoutFoldersTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith(FOLDERS)) {
                    throw new ClassNotFoundException(name + ": the Folders plugin is not installed");
                }
                Path file = CompiledClasses.root().resolve(name.replace('.', '/') + ".class");
                if (!name.startsWith(OURS) || !Files.isRegularFile(file)) {
                    return super.loadClass(name, resolve);
                }
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try {
                        byte[] bytes = Files.readAllBytes(file);
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return loaded;
            }
        }
    }

    /** What GuiceFinder.resolve reads of an extension class before it binds it. */
    private static void registerAsJenkinsDoes(String name, ClassLoader loader) throws ClassNotFoundException {
        Class<?> type = Class.forName(name, false, loader);
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            c.getGenericSuperclass();
            c.getGenericInterfaces();
            for (Constructor<?> constructor : c.getDeclaredConstructors()) {
                constructor.getParameterAnnotations();
            }
            c.getDeclaredMethods();
            c.getDeclaredFields();
        }
    }

    /** Whether the class file of {@code type} names a class of the Folders plugin. */
    private static boolean namesAFolderClass(Class<?> type) throws IOException {
        byte[] bytes =
                Files.readAllBytes(CompiledClasses.root().resolve(type.getName().replace('.', '/') + ".class"));
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(FOLDERS.replace('.', '/'));
    }

    @Test
    void onlyTheOptionalExtensionsNeedFoldersAndNoOtherClassNamesThem() throws IOException {
        Set<String> needFolders = new TreeSet<>();
        Set<String> optional = new TreeSet<>();
        List<Class<?>> classes = CompiledClasses.all();
        for (Class<?> type : classes) {
            if (namesAFolderClass(type)) {
                needFolders.add(type.getName());
            }
            Extension extension = type.getAnnotation(Extension.class);
            if (extension != null && extension.optional()) {
                optional.add(type.getName());
            }
        }
        assertThat(needFolders)
                .containsExactlyInAnyOrder(
                        FolderPolicyTemplates.class.getName(),
                        FolderPolicyTemplates.DescriptorImpl.class.getName(),
                        FolderTemplateWalk.class.getName());
        assertThat(optional)
                .containsExactlyInAnyOrder(
                        FolderPolicyTemplates.DescriptorImpl.class.getName(), FolderTemplateWalk.class.getName());
        // Nothing else links to them: only Jenkins' extension list hands them out (through FolderTemplates).
        for (Class<?> type : classes) {
            if (needFolders.contains(type.getName())) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(
                    CompiledClasses.root().resolve(type.getName().replace('.', '/') + ".class"));
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            for (String folderClass : needFolders) {
                assertThat(text)
                        .as("%s names %s", type.getName(), folderClass)
                        .doesNotContain(folderClass.replace('.', '/'));
            }
        }
    }

    @Test
    void withoutFoldersJenkinsSkipsTheOptionalExtensionsAndRegistersEveryOther() throws Exception {
        ClassLoader jenkins = new JenkinsWithoutFolders();
        int registered = 0;
        for (Class<?> type : CompiledClasses.all()) {
            Extension extension = type.getAnnotation(Extension.class);
            if (extension == null) {
                continue;
            }
            if (extension.optional()) {
                assertThatThrownBy(() -> registerAsJenkinsDoes(type.getName(), jenkins))
                        .as(type.getName())
                        .isInstanceOf(LinkageError.class);
            } else {
                registerAsJenkinsDoes(type.getName(), jenkins);
                registered++;
            }
        }
        assertThat(registered).isGreaterThan(10);
    }

    @Test
    void withoutFoldersEveryOtherClassLinks() throws Exception {
        ClassLoader jenkins = new JenkinsWithoutFolders();
        for (Class<?> type : CompiledClasses.all()) {
            if (!namesAFolderClass(type)) {
                registerAsJenkinsDoes(type.getName(), jenkins);
            }
        }
    }
}
