/**
 * Keeping replicas on one PostgreSQL in agreement: follows the change log (LISTEN/NOTIFY, or a cheap version poll
 * where LISTEN cannot work), reloads just what changed and shares credential cooldowns.
 */
package dev.spacegate.server.replica;
