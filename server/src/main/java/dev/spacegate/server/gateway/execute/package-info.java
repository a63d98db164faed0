/** Running a client call upstream: provider kinds, operations, request bodies, the dispatcher with failover. */
package dev.spacegate.server.gateway.execute;
