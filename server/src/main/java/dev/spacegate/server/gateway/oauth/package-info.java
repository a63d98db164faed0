/**
 * OAuth subscription accounts (CLIProxyAPI auth files) as pool credentials: the file model ({@code AuthFile}), the
 * provider constants ({@code OAuthProvider}, {@code OAuthEndpoints}), live tokens and refresh with a cross-replica
 * lock ({@code AuthAccounts}, {@code RefreshLock}), logins ({@code LoginFlows}), the auth-files management API
 * ({@code AuthFilesApi}) and the start-up wiring ({@code AuthSetup}). User documentation: docs/accounts.md.
 */
package dev.spacegate.server.gateway.oauth;

