package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An endpoint's settings as the evidence pack states them: every value an administrator set, with credentials named by
 * their ids. Only text, numbers and yes/no values are taken, so a secret (always a credential, never a field) cannot be
 * among them.
 */
final class PackEndpointSettings {

    private static final Set<Class<?>> PLAIN =
            Set.of(String.class, Boolean.class, boolean.class, Integer.class, int.class, Long.class, long.class);

    private PackEndpointSettings() {}

    static Map<String, Object> of(ModelEndpoint endpoint) {
        Map<String, Object> settings = properties(endpoint);
        RouterSettings router = endpoint.getRouter();
        if (router != null) {
            Map<String, Object> routerSettings = new LinkedHashMap<>();
            routerSettings.put("type", router.getClass().getSimpleName());
            routerSettings.putAll(properties(router));
            settings.put("router", routerSettings);
        }
        return settings;
    }

    /** The public getters of plain values, by property name. */
    private static Map<String, Object> properties(Object bean) {
        Map<String, Object> values = new LinkedHashMap<>();
        Method[] methods = bean.getClass().getMethods();
        java.util.Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            String property = property(method);
            if (property == null) {
                continue;
            }
            try {
                Object value = method.invoke(bean);
                if (value != null) {
                    values.put(property, value);
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                // A getter that cannot be read is left out; the pack still states the rest.
            }
        }
        return values;
    }

    private static @CheckForNull String property(Method method) {
        if (method.getParameterCount() != 0
                || Modifier.isStatic(method.getModifiers())
                || method.getDeclaringClass() == Object.class
                || !PLAIN.contains(method.getReturnType())) {
            return null;
        }
        String name = method.getName();
        if (name.startsWith("get") && name.length() > 3) {
            return Character.toLowerCase(name.charAt(3)) + name.substring(4);
        }
        if (name.startsWith("is") && name.length() > 2 && method.getReturnType() == boolean.class) {
            return Character.toLowerCase(name.charAt(2)) + name.substring(3);
        }
        return null;
    }
}
