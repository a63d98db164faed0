/** The gateway: OpenAI, Claude, Gemini and Codex compatible API over pooled upstream credentials. */
package dev.spacegate.server.gateway;
