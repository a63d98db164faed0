package dev.spacegate.server.gateway.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Converts one client format to one upstream format and the upstream's answers back. Pure: no I/O. */
public interface Translation {
    ApiFormat client();

    ApiFormat upstream();

    /** The upstream request body for a client request body. */
    ObjectNode request(ObjectNode clientBody, TranslateContext ctx);

    /** The client response body for a non-streamed upstream response body. */
    ObjectNode response(ObjectNode upstreamBody, TranslateContext ctx);

    /** A fresh converter for one streamed response. */
    StreamTranslator stream(TranslateContext ctx);
}
