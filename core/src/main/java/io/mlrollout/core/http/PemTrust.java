package io.mlrollout.core.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
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

    private static X509TrustManager trustManager(String pem, String field) {
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(field + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(field + ": holds no certificate");
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
