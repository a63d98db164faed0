#!/usr/bin/env bash
# Cold start of the server image in a container, with and without the class archive the publisher trains: builds
# both images with the publisher (`image --tar`, the second with `--no-aot`), loads them into podman (or docker),
# then starts each RUNS times, taking turns, and times `run` to the first /health 200 on the host network (a fresh
# container each time: new embedded database, data key, migrations, PBKDF2 of MANAGEMENT_PASSWORD, as a Space's
# first start). Prints every start, the medians and the load average. From the repository root:
#
#   ./mvnw -B -q -DskipTests -pl server,space -am package
#   BASE=tar://$HOME/.cache/spacegate-test/base-jre.tar bench/coldstart.sh     # RUNS=7 PORT=18960 ENGINE=podman
#   (arguments go to every image build, e.g. --jvm-flags "..." to time other JVM flags)
#
# BASE is any base the publisher accepts (default: its pinned eclipse-temurin:21-jre). As root on the project's
# machines podman needs runc and cgroupfs: CONTAINERS_CONF pointing at a file with `[engine] runtime = "runc"` and
# `cgroup_manager = "cgroupfs"` (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}/bin/java"
ENGINE="${ENGINE:-podman}"
RUNS="${RUNS:-7}"
PORT="${PORT:-18960}"
PUBLISHER=space/target/spacegate-space.jar
[ -f "$PUBLISHER" ] || { echo "build first: ./mvnw -B -q -DskipTests -pl server,space -am package" >&2; exit 1; }
command -v "$ENGINE" >/dev/null && command -v curl >/dev/null || { echo "needs $ENGINE and curl" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"; "$ENGINE" rm -f spacegate-coldstart >/dev/null 2>&1 || true' EXIT

EXTRA=("$@") # this script's arguments go to every image build (e.g. --jvm-flags "..." to time other flags)
build() { # $1 = tag, then extra publisher flags
    local tag="$1"; shift
    "$JAVA" -jar "$PUBLISHER" image --image localhost/spacegate-coldstart --tar "$work/$tag.tar" \
        ${BASE:+--base "$BASE"} --state-dir "$work/state" "${EXTRA[@]}" "$@" | grep -E '\[image\] (aot|wrote)'
    "$ENGINE" load -q -i "$work/$tag.tar" >/dev/null # the tar names its image :latest
    "$ENGINE" tag localhost/spacegate-coldstart:latest "localhost/spacegate-coldstart:$tag"
    "$ENGINE" rmi localhost/spacegate-coldstart:latest >/dev/null
}
build aot
build plain --no-aot

start_ms() { # $1 = image; prints ms from `run` to the first /health 200
    local t0 t1
    t0=$(date +%s%N)
    "$ENGINE" run -d --name spacegate-coldstart --network host -e PORT="$PORT" -e HOST=127.0.0.1 \
        -e MANAGEMENT_PASSWORD=bench-management-key-not-secret "$1" >/dev/null
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; do sleep 0.01; done
    t1=$(date +%s%N)
    "$ENGINE" rm -f -t 0 spacegate-coldstart >/dev/null
    echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

: >"$work/aot.ms"; : >"$work/plain.ms"
for i in $(seq "$RUNS"); do
    for tag in aot plain; do
        ms=$(start_ms "localhost/spacegate-coldstart:$tag")
        echo "$ms" >>"$work/$tag.ms"
        echo "run $i $tag: $ms ms"
    done
done
echo "median with the archive: $(median <"$work/aot.ms") ms; without: $(median <"$work/plain.ms") ms ($RUNS starts each)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$ENGINE" rmi localhost/spacegate-coldstart:aot localhost/spacegate-coldstart:plain >/dev/null
