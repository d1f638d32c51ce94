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
     * timeouts and credential, reaching the network as {@link HttpSettings#network()} says (e.g. through a proxy).
     */
    public static OkHttpClient create(HttpSettings settings, Credential credential) {
        long timeoutMillis = settings.callTimeout().toMillis();
        return settings.network()
                .newBuilder(SHARED)
                .callTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .writeTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false) // our Backoff decides what is retried; see forIdempotentCalls
                .addInterceptor(chain -> {
                    Request.Builder request = chain.request().newBuilder();
                    credential.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
                    return chain.proceed(request.build());
                })
                .build();
    }

    /**
     * A copy of {@code client} for calls that are safe to repeat (a GET, the PUT of a whole split, a read-only query).
     * When a pooled connection turns out to have been closed by the server (an HTTP/1.0 router, or one that closes
     * after each answer without saying so), OkHttp sends the call again on a fresh connection instead of failing with
     * "unexpected end of stream". Calls that must not be repeated blindly keep the client from {@link #create}.
     */
    public static OkHttpClient forIdempotentCalls(OkHttpClient client) {
        return client.newBuilder().retryOnConnectionFailure(true).build();
    }
}
