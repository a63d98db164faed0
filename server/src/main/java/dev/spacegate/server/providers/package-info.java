/** The provider catalogue, as data: API formats, operations, API-key provider kinds, OAuth providers. */
package dev.spacegate.server.providers;
