package dev.tessera.platform.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void idsOfProxiesAreTaken() {
        assertTrue(RequestIds.wellFormed("3f8a2c1e-9b7d-4e6f-8a5b-1c2d3e4f5a6b"));
        assertTrue(RequestIds.wellFormed("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8"));
        assertTrue(RequestIds.wellFormed("x".repeat(RequestIds.MAX_LENGTH)));
    }

    @Test
    void idsThatCouldForgeOrBloatALogLineAreNot() {
        assertFalse(RequestIds.wellFormed(null));
        assertFalse(RequestIds.wellFormed(""));
        assertFalse(RequestIds.wellFormed("a b"));
        assertFalse(RequestIds.wellFormed("id\nINFO forged line"));
        assertFalse(RequestIds.wellFormed("say \"hi\""));
        assertFalse(RequestIds.wellFormed("back\\slash"));
        assertFalse(RequestIds.wellFormed("caf\u00e9"));
        assertFalse(RequestIds.wellFormed("x".repeat(RequestIds.MAX_LENGTH + 1)));
    }
}
