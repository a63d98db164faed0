# Shared by the wrk benchmarks (bench/forwarder.sh, bench/gateway.sh, bench/profile.sh); sourced from the repository
# root. Checks what they need, and gives them the image's JVM flags, the nginx config's common head, the 0 ms
# upstream's answer, the gateway's config and start, and wrk's output parsing.
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}/bin/java"
JAR="${JAR:-server/target/spacegate-server.jar}"
# Keep in step with space/.../image/ImageSpec.DEFAULT_JVM_FLAGS (ImageFlagsInBenchTest checks).
IMAGE_FLAGS="-Xms64m -Xmx144m -Xmn48m -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=32m -Xss512k -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:JavaPriority8_To_OSPriority=0 -XX:JavaPriority9_To_OSPriority=0 -XX:JavaPriority10_To_OSPriority=0 -XX:+ExitOnOutOfMemoryError -Djava.security.egd=file:/dev/./urandom --enable-native-access=ALL-UNNAMED"
JVM_FLAGS="${JVM_FLAGS:-$IMAGE_FLAGS}"
# What the 0 ms upstream (nginx `return 200`) answers: a chat completion with token counts.
CHAT_ANSWER='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}'
[ -f "$JAR" ] || { echo "build first: ./mvnw -q -B -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "apt-get install -y nginx wrk" >&2; exit 1; }

# The head of an nginx config with every file under $1: one worker, no access log; the caller adds its servers
# and closes the http block.
nginx_head() {
    cat <<CONF
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/body; proxy_temp_path $1/proxy; fastcgi_temp_path $1/fcgi;
  uwsgi_temp_path $1/uwsgi; scgi_temp_path $1/scgi;
CONF
}

# wrk's requests per second, and a latency percentile in ms (from --latency output).
rps() { awk '/Requests\/sec/ {print $2}'; }
pct() { awk -v p="$1" '$1==p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}'; }

# bench_config FILE "name port alias"...: the gateway's config, the client key $KEY and one openai-compatibility
# provider per argument (its model "up" listed as alias).
bench_config() {
    local file="$1"; shift
    { echo "api-keys: [\"$KEY\"]"; echo "openai-compatibility:"
      for p in "$@"; do
          set -- $p
          printf '  - name: %s\n    base-url: http://127.0.0.1:%s/v1\n    api-key-entries: [{api-key: upstream-bench-key}]\n    models: [{name: up, alias: %s}]\n' "$1" "$2" "$3"
      done; } > "$file"
}

# start_spacegate PORT WORK: the packaged server with $JVM_FLAGS, its config and data under WORK; sets SG_PID and
# returns once /health answers.
start_spacegate() {
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=2 PORT=$1 HOST=127.0.0.1 DATA_DIR="$2/data" MANAGEMENT_PASSWORD=bench-management-not-secret \
        "$JAVA" $JVM_FLAGS -jar "$JAR" --config "$2/config.yaml" > "$2/sg.log" 2>&1 &
    SG_PID=$!
    for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$1/health" && return 0; sleep 0.01; done
    echo "Spacegate did not answer /health; its log ends:" >&2; tail -20 "$2/sg.log" >&2; exit 1
}
