/** The gateway's config: the document parsed and validated ({@code GatewayConfig}), payload rules, channel model lists. */
package dev.spacegate.server.gateway.config;
