#!/usr/bin/env bash
# Manager benchmark: dashboard summary and analytics over EVENTS usage events (default 1,000,000 spread over DAYS=30
# days) on SQLite and, when PG_BENCH_URL or PG_TEST_URL is set, PostgreSQL; through the real HTTP API.
# Baseline in the same run: the store's own hour-rollup summary of the window (in-process). Prints p50/p99 and ratios to the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}"
# one reactor run, so the persistence module resolves to its freshly compiled classes
./mvnw -q -B -pl server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "server/target/test-classes:server/target/classes:persistence/target/classes:$(cat server/target/bench.classpath)" \
    dev.spacegate.server.manager.bench.ManagerBenchmark
