/** Usage records in CLIProxyAPI's shape, the async batched sink with its journal, and the usage queue. */
package dev.spacegate.server.gateway.usage;
