// Mirrors org.kohsuke.stapler:json-lib:2.4-jenkins-15, src/main/java/net/sf/json/JSONObject.java
package net.sf.json;

/** A submitted form as JSON. Only its type is mirrored: the plugin passes it on to Stapler and never reads it. */
public final class JSONObject {

    private JSONObject() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
