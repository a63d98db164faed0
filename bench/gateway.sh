#!/usr/bin/env bash
# Gateway benchmark (issue #19): wrk POSTing a chat request three ways in one run -- directly to the upstream,
# through nginx proxy_pass (1 worker, upstream keep-alive) and through the packaged Spacegate (openai-compatibility
# provider, client key, usage on the embedded SQLite, access log on) -- with a 0 ms upstream (nginx `return 200`)
# and a 5 ms upstream (bench/SleepUpstream.java), at 1 and 64 connections, ROUNDS rounds. Prints one line per
# round, the median table, the ratios against the goals, Spacegate's RSS after an RSS_SECONDS run at 64
# connections, and its cold start (JVM launch to /health 200, packaged jar, image flags).
# Needs: apt-get install -y nginx wrk; a built jar (./mvnw -q -B -DskipTests package); JAVA_HOME >= 21.
# Env: ROUNDS=3 DURATION=10s WARMUP=20s RSS_SECONDS=60 JVM_FLAGS="<the image's flags>".
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"; DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-20s}"; RSS_SECONDS="${RSS_SECONDS:-60}"
. bench/common.sh

WORK=$(mktemp -d)
BASE=$((20000 + RANDOM % 20000))
UP0=$BASE; UP5=$((BASE + 1)); NG0=$((BASE + 2)); NG5=$((BASE + 3)); SG=$((BASE + 4))
KEY=bench-client-key-not-secret
cleanup() {
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    for p in ${SG_PID:-} ${UP5_PID:-}; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

{ nginx_head "$WORK"; cat <<CONF
  upstream up0 { server 127.0.0.1:$UP0; keepalive 128; }
  upstream up5 { server 127.0.0.1:$UP5; keepalive 128; }
  server { listen 127.0.0.1:$UP0; location / { default_type application/json; return 200 '$CHAT_ANSWER'; } }
  server { listen 127.0.0.1:$NG0; location / { proxy_pass http://up0; proxy_http_version 1.1;
           proxy_set_header Connection ""; proxy_buffering off; } }
  server { listen 127.0.0.1:$NG5; location / { proxy_pass http://up5; proxy_http_version 1.1;
           proxy_set_header Connection ""; proxy_buffering off; } }
}
CONF
} > "$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"
"$JAVA" bench/SleepUpstream.java "$UP5" 5 > "$WORK/up5.log" 2>&1 &
UP5_PID=$!

bench_config "$WORK/config.yaml" "zero $UP0 bench0" "five $UP5 bench5"
now_ms() { date +%s%3N; }
wait_up() { for _ in $(seq 1 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.01; done; echo "no answer from $1" >&2; exit 1; }
wait_up "http://127.0.0.1:$UP0/"
start_ms=$(now_ms)
start_spacegate "$SG" "$WORK"
COLD_MS=$(( $(now_ms) - start_ms ))
for _ in $(seq 1 300); do curl -fs -o /dev/null -X POST "http://127.0.0.1:$UP5/" && break; sleep 0.05; done

post() { KEY=$KEY MODEL=$1 wrk -t"$2" -c"$3" -d"$4" --latency -s bench/post.lua "$5"; }
url() { case $1 in direct) echo "http://127.0.0.1:$([ "$2" = 0 ] && echo $UP0 || echo $UP5)/v1/chat/completions";;
                   nginx) echo "http://127.0.0.1:$([ "$2" = 0 ] && echo $NG0 || echo $NG5)/v1/chat/completions";;
                   spacegate) echo "http://127.0.0.1:$SG/v1/chat/completions";; esac; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); java $("$JAVA" -version 2>&1 | head -1)"
echo "spacegate flags: $JVM_FLAGS"
echo "cold start (JVM launch to /health 200): ${COLD_MS} ms"
# Warm the JIT (both upstream paths) before measuring.
post bench0 2 16 "$WARMUP" "$(url spacegate 0)" >/dev/null
post bench5 2 16 5s "$(url spacegate 5)" >/dev/null

RES="$WORK/results"; : > "$RES"   # lines: upstream target round c1p50 c1p99 c64rps
for round in $(seq 1 "$ROUNDS"); do
    for up in 0 5; do
        for target in direct nginx spacegate; do
            u=$(url $target $up); out1=$(post "bench$up" 1 1 "$DURATION" "$u"); out64=$(post "bench$up" 2 64 "$DURATION" "$u")
            line="$up $target $round $(echo "$out1" | pct 50%) $(echo "$out1" | pct 99%) $(echo "$out64" | rps)"
            echo "$line" >> "$RES"
            echo "round $round: upstream ${up} ms, $target: c1 p50 $(echo "$line" | cut -d' ' -f4) ms, p99 $(echo "$line" | cut -d' ' -f5) ms, c64 $(echo "$line" | cut -d' ' -f6) req/s"
        done
    done
done

post bench0 2 64 "${RSS_SECONDS}s" "$(url spacegate 0)" >/dev/null
if ! kill -0 "$SG_PID" 2>/dev/null; then
    echo "Spacegate exited during the load; its log ends:" >&2; tail -30 "$WORK/sg.log" >&2; exit 1
fi
RSS_MB=$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$SG_PID/status")
if [ -n "${NMT:-}" ]; then
    # what the JVM accounts for (heap, metaspace, code, threads, its own mallocs), then the RSS split into anonymous
    # memory (those plus native allocations NMT does not see: SQLite, glibc's free lists) and mapped files
    "$JAVA_HOME/bin/jcmd" "$SG_PID" VM.native_memory summary | grep -E "^-|committed=|^ +(malloc|mmap):" \
        | grep -E "^- .*committed|Total|^ +(malloc|mmap):" | head -27
    grep -E "RssAnon|RssFile" "/proc/$SG_PID/status"
fi
OOM=$(grep -c OutOfMemoryError "$WORK/sg.log" || true)

echo
echo "median of $ROUNDS rounds ($DURATION each); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v rss="$RSS_MB" -v cold="$COLD_MS" -v secs="$RSS_SECONDS" -v oom="$OOM" '
function median(list,   n, a, i, j, t) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
    if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
{ k = $1 SUBSEP $2; p50[k] = p50[k] " " $4; p99[k] = p99[k] " " $5; r[k] = r[k] " " $6 }
function yes(ok) { return ok ? "met" : "NOT met" }
function div(a, b) { return b == 0 ? 0 : a / b }
END {
    printf "| upstream | path | c1 p50 ms | c1 p99 ms | c64 req/s |\n|---|---|---|---|---|\n";
    for (up = 0; up <= 5; up += 5) for (t = 1; t <= 3; t++) {
        name = t == 1 ? "direct" : t == 2 ? "nginx" : "spacegate"; k = up SUBSEP name;
        m50[k] = median(p50[k]); m99[k] = median(p99[k]); mr[k] = median(r[k]);
        printf "| %d ms | %s | %.3f | %.3f | %.0f |\n", up, name, m50[k], m99[k], mr[k] }
    for (up = 0; up <= 5; up += 5) {
        d = up SUBSEP "direct"; n = up SUBSEP "nginx"; s = up SUBSEP "spacegate";
        printf "\nupstream %d ms: spacegate/nginx @64 %.2fx, spacegate/direct @64 %.2fx; added p50 @1 spacegate %+.3f ms, nginx %+.3f ms; p99 @1 spacegate %.3f ms, nginx %.3f ms\n",
            up, div(mr[s], mr[n]), div(mr[s], mr[d]), m50[s] - m50[d], m50[n] - m50[d], m99[s], m99[n] }
    d = 0 SUBSEP "direct"; n = 0 SUBSEP "nginx"; s = 0 SUBSEP "spacegate";
    addn = m50[n] - m50[d]; if (addn < 0.001) addn = 0.001;
    printf "\ngoals (0 ms upstream):\n";
    printf "  c64 >= 0.5x nginx: %.2fx -> %s\n", div(mr[s], mr[n]), yes(mr[s] >= 0.5 * mr[n]);
    printf "  c1 added p50 <= 2x nginx added p50: %+.3f vs %+.3f ms -> %s\n", m50[s] - m50[d], m50[n] - m50[d], yes(m50[s] - m50[d] <= 2 * addn);
    printf "  c1 p99 <= nginx p99 + 0.5 ms: %.3f vs %.3f ms -> %s\n", m99[s], m99[n], yes(m99[s] <= m99[n] + 0.5);
    printf "  RSS <= 256 MB after %d s at 64 connections: %d MB, OutOfMemoryError lines: %d -> %s\n", secs, rss, oom, yes(rss <= 256 && oom == 0);
    printf "  cold start (packaged jar on this machine, not the container): %d ms (goal 700 ms in the image) -> %s\n", cold, yes(cold <= 700);
}' "$RES"
