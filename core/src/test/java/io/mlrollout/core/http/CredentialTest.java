package io.mlrollout.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialTest {

    @Test
    void aBasicPasswordEchoedInPlainTextIsHiddenLikeTheHeader() {
        Credential basic = new Credential.Basic("admin", "pa55-w0rd-xyz");
        String header = basic.authorizationHeader().orElseThrow();

        String echoed = basic.redact("user admin, password pa55-w0rd-xyz, pair admin:pa55-w0rd-xyz, header " + header);

        assertThat(echoed)
                .doesNotContain("pa55-w0rd-xyz")
                .doesNotContain(header.substring("Basic ".length()))
                .isEqualTo("user admin, password (hidden), pair (hidden), header (hidden)");
    }

    @Test
    void aBearerTokenIsHiddenWithAndWithoutItsScheme() {
        Credential bearer = new Credential.Bearer("t0ken-abc");

        assertThat(bearer.redact("got Bearer t0ken-abc, then t0ken-abc")).isEqualTo("got (hidden), then (hidden)");
        assertThat(Credential.NONE.redact("nothing to hide")).isEqualTo("nothing to hide");
    }

    @Test
    void aSecretEchoedAsAJsonStringOrPercentEncodedIsHiddenToo() {
        // Base64 secrets hold '/' and '+': PHP's json_encode writes '/' as '\/', and a URL carries them as %2F, %2B.
        Credential bearer = new Credential.Bearer("Tok/With+Slash/abc");
        Credential basic = new Credential.Basic("ops", "pw/with\"quote");

        assertThat(bearer.redact("{\"auth\": \"Bearer Tok\\/With+Slash\\/abc\", \"q\": \"Tok%2FWith%2BSlash%2Fabc\"}"))
                .isEqualTo("{\"auth\": \"(hidden)\", \"q\": \"(hidden)\"}");
        assertThat(basic.redact("{\"password\": \"pw\\/with\\\"quote\", \"alt\": \"pw/with\\\"quote\"}"))
                .isEqualTo("{\"password\": \"(hidden)\", \"alt\": \"(hidden)\"}");
    }

    @Test
    void aSecretTooShortToHideWithoutRevealingItIsLeftAsItIs() {
        // Replacing "pro" in "could not reach prometheus" would tell the reader the password.
        Credential basic = new Credential.Basic("ops-team", "pro");

        assertThat(basic.redact("could not reach prometheus")).isEqualTo("could not reach prometheus");
    }
}
