/** Running a client call upstream: the dispatcher's retry loop and its steps (see docs/architecture.md), client calls and request bodies. */
package dev.spacegate.server.gateway.execute;
