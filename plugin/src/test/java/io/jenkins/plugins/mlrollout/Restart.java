package io.jenkins.plugins.mlrollout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.objenesis.ObjenesisStd;

/** What a controller restart does to the objects the steps leave behind. */
final class Restart {

    private Restart() {}

    /** A step execution written and read back with Java serialization, as Pipeline keeps it in program.dat. */
    static <T extends Serializable> T roundTrip(T execution) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(execution);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            T read = (T) in.readObject();
            return read;
        }
    }

    /**
     * A build action as XStream reads it back from build.xml: a new object made without its constructor, with every
     * field that is neither static nor transient copied, and nothing else.
     */
    static <T> T reloaded(T action) throws IllegalAccessException {
        @SuppressWarnings("unchecked")
        T copy = (T) new ObjenesisStd().newInstance(action.getClass());
        for (Class<?> c = action.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
                    continue;
                }
                field.setAccessible(true);
                field.set(copy, field.get(action));
            }
        }
        return copy;
    }
}
