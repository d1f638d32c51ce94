// Mirrors org.jenkins-ci.plugins:plain-credentials:199.v9f8e1f741799,
// src/main/java/org/jenkinsci/plugins/plaincredentials/FileCredentials.java
package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;
import java.io.InputStream;

/** A "secret file" credential: a file name and its bytes. */
public interface FileCredentials extends StandardCredentials {
    @NonNull
    String getFileName();

    @NonNull
    InputStream getContent() throws IOException;
}
