/**
 * OAuth auth files (CLIProxyAPI's format) as pool credentials: the file model ({@code AuthFile}), the registry of
 * held files ({@code AuthFileRegistry}), their store ({@code AuthFileStore}), token refresh with a cross-replica
 * lock ({@code TokenRefresher}, {@code TokenGrants}, {@code RefreshLock}), live tokens on the request path
 * ({@code AuthFileTokens}), logins ({@code LoginFlows}), all wired by {@code AuthFiles}; the auth-files management
 * API ({@code AuthFilesApi}); start-up wiring in {@code gateway.AuthSetup}. User documentation: docs/auth-files.md.
 */
package dev.spacegate.server.gateway.oauth;
