/** The client side of answers: SSE framing and passthrough, keep-alives, the Responses WebSocket bridge. */
package dev.spacegate.server.gateway.stream;
