#!/usr/bin/env bash
# Where the gateway's per-request CPU and allocation go (issue #19): the packaged Spacegate (image flags, usage on the
# embedded SQLite, access log on) in front of nginx `return 200` (a 0 ms upstream), warmed up, then a JFR recording
# while wrk POSTs chat requests at 64 connections and for DRAIN seconds after (so the usage writer's deferred work
# is in it). Prints req/s, the process's CPU per request (user + system from /proc, every thread), and
# bench/JfrSummary.java's table: the Java threads' CPU split into the request path's parts, bytes allocated per
# request. JDK 25+ samples CPU time (jdk.CPUTimeSample, which sees time in native code and system calls); older
# JDKs fall back to execution samples, which miss it.
# Needs: apt-get install -y nginx wrk; a built jar (./mvnw -q -B -DskipTests package); JAVA_HOME >= 21.
# Env: DURATION=20s WARMUP=20s DRAIN=8 JAR=... (another build, its libs/ beside it) JVM_FLAGS="<the image's flags>"
# KEEP=dir (keep the recording there).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-20s}"; WARMUP="${WARMUP:-20s}"; DRAIN="${DRAIN:-8}"
. bench/common.sh

WORK=$(mktemp -d)
BASE=$((20000 + RANDOM % 20000)); UP=$BASE; SG=$((BASE + 1))
KEY=bench-client-key-not-secret
cleanup() {
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    [ -n "${SG_PID:-}" ] && kill "$SG_PID" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

{ nginx_head "$WORK"; cat <<CONF
  server { listen 127.0.0.1:$UP; location / { default_type application/json; return 200 '$CHAT_ANSWER'; } }
}
CONF
} > "$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"
bench_config "$WORK/config.yaml" "zero $UP bench0"
# JDK 25 samples CPU time (also in native code and system calls); older JDKs only Java code, by execution samples
if [ "$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')" -ge 25 ]; then
    sampler='<event name="jdk.CPUTimeSample"><setting name="enabled">true</setting><setting name="throttle">1ms</setting>'
else
    sampler='<event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">1 ms</setting>'
fi
cat > "$WORK/profile.jfc" <<JFC
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  $sampler<setting name="stackTrace">true</setting></event>
  <event name="jdk.GCHeapSummary"><setting name="enabled">true</setting></event>
</configuration>
JFC
start_spacegate "$SG" "$WORK"
URL="http://127.0.0.1:$SG/v1/chat/completions"
post() { KEY=$KEY MODEL=bench0 wrk -t2 -c"$1" -d"$2" --latency -s bench/post.lua "$URL"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SG_PID/stat"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); java $("$JAVA" -version 2>&1 | head -1)"
echo "spacegate: $JAR"
echo "spacegate flags: $JVM_FLAGS"
post 16 "$WARMUP" > /dev/null
sleep 3 # the writer stores the warm-up's usage before the recording begins
"$JAVA_HOME/bin/jcmd" "$SG_PID" JFR.start name=profile settings="$WORK/profile.jfc" filename="$WORK/profile.jfr" > /dev/null
before=$(cpu_ticks)
out=$(post 64 "$DURATION")
sleep "$DRAIN"
after=$(cpu_ticks)
"$JAVA_HOME/bin/jcmd" "$SG_PID" JFR.stop name=profile > /dev/null
requests=$(echo "$out" | awk '/requests in/ {print $1}')
echo "64 connections, $DURATION: $(echo "$out" | rps) req/s, $requests requests"
echo "CPU per request (every thread, the ${DRAIN} s after the load included): $(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests )) us"
"$JAVA" bench/JfrSummary.java "$WORK/profile.jfr" "$requests"
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$WORK/profile.jfr" "$KEEP/" && echo "recording: $KEEP/profile.jfr"; fi
