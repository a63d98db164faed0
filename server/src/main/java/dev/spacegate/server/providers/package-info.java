/**
 * The provider catalogue, as data: API formats, operations, API-key provider kinds and the config lists they come
 * from, OAuth providers. The gateway, the management API and the panel read their provider lists from here.
 */
package dev.spacegate.server.providers;
