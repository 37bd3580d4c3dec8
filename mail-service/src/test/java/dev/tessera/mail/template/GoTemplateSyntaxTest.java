package dev.tessera.mail.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.qute.Engine;

class GoTemplateSyntaxTest {

    @Test
    void fieldReferencesBecomeQuteExpressionsAndOtherBracesStayText() {
        assertEquals("<a href=\"{ConfirmationURL}\">{Data.full_name}</a> \\{x} p\\{margin:0}",
                GoTemplateSyntax.toQute("<a href=\"{{ .ConfirmationURL }}\">{{.Data.full_name}}</a> {x} p{margin:0}"));
        assertEquals("{Email}", GoTemplateSyntax.toQute("{{- .Email -}}"));
        assertEquals("Confirm Your Signup", GoTemplateSyntax.toQute("Confirm Your Signup"));
    }

    @Test
    void actionsBeyondFieldReferencesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoTemplateSyntax.toQute("{{ if .NewEmail }}x{{ end }}"));
        assertTrue(e.getMessage().contains("{{ if .NewEmail }}"), e.getMessage());
    }

    @Test
    void onlyTemplatesWithDoubleBracesAreGoTemplates() {
        assertTrue(GoTemplateSyntax.isGoTemplate("<a href=\"{{ .ConfirmationURL }}\">"));
        assertFalse(GoTemplateSyntax.isGoTemplate("<a href=\"{ConfirmationURL}\">"));
    }

    @Test
    void aGoTrueSubjectRendersWithTheTemplateVariables() {
        Engine engine = Engine.builder().addDefaults().build();
        String subject = engine.parse(GoTemplateSyntax.toQute("Welcome to {{ .SiteURL }}, {{ .Data.full_name }} {ok}"))
                .data("SiteURL", "https://example.test").data("Data", Map.of("full_name", "Ada"))
                .render();
        assertEquals("Welcome to https://example.test, Ada {ok}", subject);
    }
}
