/**
 * Change announcements between replicas on one PostgreSQL: a small change log table written next to every shared
 * write, a {@code NOTIFY} per change on a channel per schema, and the dedicated connection that listens for them.
 */
package dev.spacegate.persistence.changes;
