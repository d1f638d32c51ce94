package io.mlrollout.core.http;

import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/** Builds the OkHttp clients connectors use: bounded timeouts and the credential's Authorization header on every call. */
public final class OkHttpClients {

    private static final OkHttpClient SHARED = new OkHttpClient();

    private OkHttpClients() {}

    /**
     * A client sharing one connection pool and dispatcher with every other connector's client, with this connector's
     * timeouts and credential.
     */
    public static OkHttpClient create(HttpSettings settings, Credential credential) {
        long timeoutMillis = settings.callTimeout().toMillis();
        return SHARED.newBuilder()
                .callTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .writeTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false) // our Backoff decides what is retried, and logs it
                .addInterceptor(chain -> {
                    Request.Builder request = chain.request().newBuilder();
                    credential.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
                    return chain.proceed(request.build());
                })
                .build();
    }
}
