package dev.tessera.mail.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.mail.MailRequest;

/** Reads a record of the mail topic into a {@link MailRequest}, refusing what cannot be mailed. */
@ApplicationScoped
public class MailRequestReader {

    private final ObjectMapper mapper;

    public MailRequestReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** @throws UndeliverableRequest when the value is not a complete mail request */
    public MailRequest read(String value) {
        if (value == null || value.isBlank()) {
            throw new UndeliverableRequest("empty mail request");
        }
        MailRequest request;
        try {
            request = mapper.readValue(value, MailRequest.class);
        } catch (JsonProcessingException e) {
            throw new UndeliverableRequest("mail request is not readable JSON: " + e.getOriginalMessage());
        }
        if (request == null) {
            throw new UndeliverableRequest("mail request is JSON null");
        }
        require(request.id() != null, "id");
        require(request.kind() != null, "kind");
        require(request.to() != null && !request.to().isBlank(), "to");
        // A notice carries no token; every other kind is useless without its link.
        require(!request.kind().carriesToken() || request.sealedToken() != null && !request.sealedToken().isBlank(),
                "sealedToken");
        return request;
    }

    private static void require(boolean present, String field) {
        if (!present) {
            throw new UndeliverableRequest("mail request lacks '" + field + "'");
        }
    }
}
