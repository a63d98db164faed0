#!/usr/bin/env bash
# Forwarder benchmark: one upstream (nginx returning a small JSON body) loaded with wrk three ways in one
# run: directly, through Spacegate (cpa-manager profile, upstream as the gateway owner) and through nginx
# proxy_pass. Prints throughput at 64 connections and latency percentiles at 1 connection, plus ratios.
# Needs: apt-get install -y nginx wrk; a built server jar (./mvnw -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
. bench/common.sh

WORK=$(mktemp -d)
UP=18401; VIA_SG=18402; VIA_NGINX=18403
cleanup() { [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; [ -n "${SG_PID:-}" ] && kill "$SG_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

{ nginx_head "$WORK"; cat <<CONF
  upstream backend { server 127.0.0.1:$UP; keepalive 128; }
  server { listen 127.0.0.1:$UP; location / { default_type application/json;
           return 200 '{"id":"chatcmpl-bench","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}]}'; } }
  server { listen 127.0.0.1:$VIA_NGINX; location / { proxy_pass http://backend; proxy_http_version 1.1;
           proxy_set_header Connection ""; proxy_set_header Host \$host; proxy_buffering off; } }
}
CONF
} > "$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"
ROUTE_PROFILE=cpa-manager GATEWAY_UPSTREAM="http://127.0.0.1:$UP" HOST=127.0.0.1 PORT=$VIA_SG \
    "$JAVA" -Xms256m -Xmx512m -jar "$JAR" > "$WORK/sg.log" 2>&1 &
SG_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$VIA_SG/v1/x" >/dev/null && break; sleep 0.2; done
# Warm the JIT before measuring.
wrk -t2 -c32 -d5s "http://127.0.0.1:$VIA_SG/v1/chat/completions" >/dev/null

run() { wrk -t"$1" -c"$2" -d"$DURATION" --latency "$3"; }

declare -A RPS P50 P99
for target in direct spacegate nginx; do
    case $target in direct) port=$UP;; spacegate) port=$VIA_SG;; nginx) port=$VIA_NGINX;; esac
    url="http://127.0.0.1:$port/v1/chat/completions"
    out64=$(run 2 64 "$url"); out1=$(run 1 1 "$url")
    RPS[$target]=$(echo "$out64" | rps)
    P50[$target]=$(echo "$out1" | pct 50%)
    P99[$target]=$(echo "$out1" | pct 99%)
done
printf '\n%-10s %14s %12s %12s\n' target "req/s @64" "p50 ms @1" "p99 ms @1"
for t in direct spacegate nginx; do printf '%-10s %14s %12s %12s\n' "$t" "${RPS[$t]}" "${P50[$t]}" "${P99[$t]}"; done
awk -v sd="${RPS[spacegate]}" -v nd="${RPS[nginx]}" -v d="${RPS[direct]}" \
    -v s50="${P50[spacegate]}" -v n50="${P50[nginx]}" -v d50="${P50[direct]}" \
    -v s99="${P99[spacegate]}" -v n99="${P99[nginx]}" -v d99="${P99[direct]}" 'BEGIN {
    printf "\nthroughput: spacegate/direct %.2f, nginx/direct %.2f, spacegate/nginx %.2f\n", sd/d, nd/d, sd/nd;
    printf "added p50 @1: spacegate %+.3f ms, nginx %+.3f ms\n", s50-d50, n50-d50;
    printf "added p99 @1: spacegate %+.3f ms, nginx %+.3f ms\n", s99-d99, n99-d99 }'
