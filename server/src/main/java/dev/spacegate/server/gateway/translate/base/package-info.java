/** The translators' shared base: context, effort, error envelopes (client and upstream), JSON and SSE helpers. */
package dev.spacegate.server.gateway.translate.base;
