# Shared by the wrk benchmarks (bench/forwarder.sh, bench/gateway.sh); sourced from the repository root.
# Checks what they need, and gives them the nginx config's common head and wrk's output parsing.
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}/bin/java"
JAR="${JAR:-server/target/spacegate-server.jar}"
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
