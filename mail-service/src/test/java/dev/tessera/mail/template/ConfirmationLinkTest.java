package dev.tessera.mail.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.mail.MailKind;

/** Links are built the way GoTrue's getSiteURL builds them (url.ResolveReference, then the fragment). */
class ConfirmationLinkTest {

    @Test
    void theDefaultPathReplacesThePathOfTheSiteUrl() {
        assertEquals("https://ex.com/#confirmation_token=AbC",
                ConfirmationLink.build("https://ex.com/app", "/", MailKind.CONFIRMATION, "AbC"));
        assertEquals("https://ex.com/#invite_token=AbC",
                ConfirmationLink.build("https://ex.com", "/", MailKind.INVITE, "AbC"));
    }

    @Test
    void pathsResolveAsUrlReferences() {
        assertEquals("https://ex.com/account/recover?x=1#recovery_token=T",
                ConfirmationLink.build("https://ex.com/app/", "/account/recover?x=1", MailKind.RECOVERY, "T"));
        assertEquals("https://ex.com/app/confirm#email_change_token=T",
                ConfirmationLink.build("https://ex.com/app/", "confirm", MailKind.EMAIL_CHANGE, "T"));
        assertEquals("https://ex.com/confirm#email_change_token=T",
                ConfirmationLink.build("https://ex.com/app", "confirm", MailKind.EMAIL_CHANGE, "T"));
        assertEquals("https://ex.com/confirm#email_change_token=T",
                ConfirmationLink.build("https://ex.com", "confirm", MailKind.EMAIL_CHANGE, "T"));
        assertEquals("https://other.example/x#recovery_token=T",
                ConfirmationLink.build("https://ex.com/app", "https://other.example/x", MailKind.RECOVERY, "T"));
    }

    @Test
    void anEmptyPathKeepsTheSiteUrlButNotItsFragment() {
        assertEquals("https://ex.com/app?a=b#confirmation_token=T",
                ConfirmationLink.build("https://ex.com/app?a=b#old", "", MailKind.CONFIRMATION, "T"));
    }
}
