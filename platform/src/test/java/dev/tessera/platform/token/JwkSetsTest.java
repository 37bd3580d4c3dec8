package dev.tessera.platform.token;

import static dev.tessera.platform.testing.TestKeys.RETIRED;
import static dev.tessera.platform.testing.TestKeys.SIGN;
import static dev.tessera.platform.testing.TestKeys.VERIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.testing.TestKeys;

class JwkSetsTest {

    static final String SECRET = "a-secret-of-more-than-thirty-two-bytes-0123456789";

    @Test
    void eachKeyTypeSignsWithItsOneAlgorithmAndKeyOpsGiveTheState() {
        List<TokenKey> keys = JwkSets.configured(TestKeys.configured(TestKeys.es256("a", SIGN),
                TestKeys.rs256("b", VERIFY), TestKeys.ed25519("c", null), TestKeys.es256("r", RETIRED),
                TestKeys.oct("nf-ident", SECRET, VERIFY)));
        Map<String, TokenKey> byKid = keys.stream().collect(Collectors.toMap(TokenKey::kid, k -> k));
        assertEquals("ES256", byKid.get("a").algorithm());
        assertEquals("RS256", byKid.get("b").algorithm());
        assertEquals("EdDSA", byKid.get("c").algorithm());
        assertEquals("HS256", byKid.get("nf-ident").algorithm());
        assertEquals(KeyState.SIGNING, byKid.get("a").state());
        assertEquals(KeyState.VERIFYING, byKid.get("b").state());
        assertEquals(KeyState.VERIFYING, byKid.get("c").state(), "no key_ops: published, not signing");
        assertEquals(KeyState.RETIRED, byKid.get("r").state());
        assertTrue(byKid.get("a").signingKey() != null, "the private part is kept for signing");
    }

    @Test
    void thePublishedSetHoldsPublicPartsOfAsymmetricKeysThatAreNotRetired() {
        List<TokenKey> keys = JwkSets.configured(TestKeys.configured(TestKeys.es256("a", SIGN),
                TestKeys.rs256("b", VERIFY), TestKeys.ed25519("c", VERIFY), TestKeys.es256("r", RETIRED),
                TestKeys.oct("nf-ident", SECRET, VERIFY)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> published = (List<Map<String, Object>>) JwkSets.document(keys).get("keys");
        assertEquals(Set.of("a", "b", "c"), published.stream().map(k -> k.get("kid")).collect(Collectors.toSet()));
        for (Map<String, Object> jwk : published) {
            for (String secretPart : List.of("d", "p", "q", "dp", "dq", "qi", "k")) {
                assertNull(jwk.get(secretPart), jwk.get("kid") + " publishes " + secretPart);
            }
            assertEquals(List.of("verify"), jwk.get("key_ops"));
            assertEquals("sig", jwk.get("use"));
        }
        List<TokenKey> read = JwkSets.published(new ObjectMapper().valueToTree(JwkSets.document(keys)).toString());
        assertEquals(3, read.size());
        assertTrue(read.stream().allMatch(k -> k.signingKey() == null && k.state() == KeyState.VERIFYING));
    }

    @Test
    void aSetIsRefusedWithAReasonThatCarriesNoKeyMaterial() {
        PublicJsonWebKey p384;
        try {
            p384 = EcJwkGenerator.generateJwk(EllipticCurves.P384);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        p384.setKeyId("p384");
        p384.setKeyOps(SIGN);
        PublicJsonWebKey wrongAlg = TestKeys.es256("es", SIGN);
        wrongAlg.setAlgorithm("RS256");
        Map<String, String> refused = Map.of(
                "none signs", TestKeys.configured(TestKeys.es256("a", VERIFY)),
                "two sign", TestKeys.configured(TestKeys.es256("a", SIGN), TestKeys.es256("b", SIGN)),
                "a kid twice", TestKeys.configured(TestKeys.es256("a", SIGN), TestKeys.es256("a", VERIFY)),
                "no kid", TestKeys.configured(TestKeys.es256(null, SIGN)),
                "P-384", TestKeys.configured(p384),
                "alg against the key type", TestKeys.configured(wrongAlg),
                "short HMAC key", TestKeys.configured(TestKeys.oct("short", "too-short", SIGN)),
                "not JSON", "{keys",
                "not a set", "\"a string\"");
        refused.forEach((why, json) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JwkSets.configured(json),
                    why);
            assertFalse(e.getMessage().contains(SECRET), why);
        });
        assertThrows(IllegalArgumentException.class, () -> JwkSets.published(
                "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"" + "A".repeat(43) + "\"}]}"),
                "a published set never holds an HMAC key");
    }
}
