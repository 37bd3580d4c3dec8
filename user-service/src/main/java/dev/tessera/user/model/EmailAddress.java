package dev.tessera.user.model;

import java.util.Optional;
import java.util.regex.Pattern;

import dev.tessera.platform.error.ApiError;

/**
 * Checks that an address can receive mail: one {@code local@domain}, no display name, no comments, ASCII only (a
 * deliberate restriction: SMTPUTF8 delivery is not guaranteed end to end), within the lengths of RFC 5321. A local
 * part holding an RFC 2047 encoded word ({@code =?utf-8?q?...?=}) is refused although its characters are allowed:
 * some mail systems decode it, so the mailbox that receives the link need not be the address that was checked.
 */
public final class EmailAddress {

    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?]*\\?[BbQq]\\?[^?]*\\?=");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private EmailAddress() {
    }

    /** The trimmed address, or a 422 saying why it cannot be used. */
    public static String validate(String raw) {
        String email = raw.trim();
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1) {
            throw invalid("missing '@' or one of its sides");
        }
        if (email.length() > 254) {
            throw invalid("longer than 254 characters");
        }
        if (!email.chars().allMatch(c -> c > 32 && c < 127)) {
            throw invalid("only ASCII addresses without spaces are supported");
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
            throw invalid("the part before '@' is not valid");
        }
        if (ENCODED_WORD.matcher(local).find()) {
            throw invalid("the part before '@' holds an encoded word");
        }
        for (String label : domain.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw invalid("the domain is not valid");
            }
        }
        return email;
    }

    /** The trimmed address when {@link #validate} accepts it, else empty: for addresses a client did not type. */
    public static Optional<String> usable(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(validate(raw));
        } catch (ApiError unusable) {
            return Optional.empty();
        }
    }

    private static ApiError invalid(String reason) {
        return ApiError.unprocessable("Unable to validate email address: " + reason);
    }
}
