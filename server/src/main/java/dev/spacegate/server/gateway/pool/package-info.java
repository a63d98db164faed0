/** The credential pool: tiers, strategies, cooldown rules as data, session affinity and cooldown persistence. */
package dev.spacegate.server.gateway.pool;
