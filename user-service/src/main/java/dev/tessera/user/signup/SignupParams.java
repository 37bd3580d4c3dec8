package dev.tessera.user.signup;

import java.util.Map;

import dev.tessera.platform.error.ApiError;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.model.EmailAddress;

/** The body of {@code POST /signup}, with GoTrue's wire names. */
public record SignupParams(String email, String password, Map<String, Object> data) {

    /** GoTrue's checks, in GoTrue's order; answers the normalised params. */
    SignupParams validate() {
        if (password == null || password.isEmpty()) {
            throw ApiError.unprocessable("Signup requires a valid password");
        }
        if (PasswordHasher.tooLong(password)) {
            throw ApiError.unprocessable("Password cannot be longer than 72 bytes");
        }
        if (email == null || email.isBlank()) {
            throw ApiError.unprocessable("An email address is required");
        }
        return new SignupParams(EmailAddress.validate(email), password, data);
    }
}
