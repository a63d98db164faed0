/** Client API keys: where clients put them and how they are checked. */
package dev.spacegate.server.gateway.auth;
