package io.mlrollout.core.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Makes a client trust exactly the certificate authorities given in PEM (e.g. a kubeconfig's
 * {@code certificate-authority-data}, decoded), and no others, the way kubectl does.
 */
public final class PemTrust {

    private PemTrust() {}

    /**
     * A copy of {@code client} that trusts only the CAs in {@code pem}.
     *
     * @param field names the setting in the error if the PEM holds no readable certificate
     */
    public static OkHttpClient trustOnly(OkHttpClient client, String pem, String field) {
        X509TrustManager trustManager = trustManager(pem, field);
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {trustManager}, null);
            return client.newBuilder()
                    .sslSocketFactory(tls.getSocketFactory(), trustManager)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot set up TLS", e);
        }
    }

    /** Why {@code pem} holds no CA certificate to trust, or empty when it holds one or more: for a form's check. */
    public static Optional<String> problem(String pem) {
        try {
            certificates(pem);
            return Optional.empty();
        } catch (IllegalArgumentException unreadable) {
            return Optional.of(unreadable.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(String pem) {
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("holds no certificate");
        }
        return certificates;
    }

    private static X509TrustManager trustManager(String pem, String field) {
        Collection<? extends Certificate> certificates;
        try {
            certificates = certificates(pem);
        } catch (IllegalArgumentException unreadable) {
            throw new IllegalArgumentException(field + ": " + unreadable.getMessage(), unreadable);
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("this JVM offers no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("this JVM cannot hold certificates in a key store", e);
        }
    }
}
