# Sourced by ./spacegate and .ci/run: picks a JDK >= 21 and exports JAVA_HOME (and puts it first on PATH).
# Order: JAVA_HOME when it is >= 21, the javac on PATH, then the usual install folders (the newest wins).
# Without one it prints a single line saying what to install and returns 1. JDK_SEARCH_DIRS (space-separated
# JDK homes, globs allowed) replaces the install folders, for unusual layouts and tests.

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }

jdk_ok() { [ -x "$1/bin/javac" ] && [ -x "$1/bin/java" ] && [ "$(java_major "$1")" -ge 21 ] 2>/dev/null; }

pick_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && jdk_ok "$JAVA_HOME"; then
        export PATH="$JAVA_HOME/bin:$PATH"
        return 0
    fi
    local best="" best_major=0 dir major on_path
    on_path=$(command -v javac 2>/dev/null || true)
    if [ -n "$on_path" ]; then
        on_path=$(dirname "$(dirname "$(readlink -f "$on_path")")")
    fi
    for dir in $on_path ${JDK_SEARCH_DIRS:-/usr/lib/jvm/* /opt/java/* /usr/local/java/* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*}; do
        [ -x "$dir/bin/javac" ] || continue
        major=$(java_major "$dir")
        if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best="$dir"; best_major="$major"
        fi
    done
    if [ -z "$best" ]; then
        echo "Spacegate needs a JDK 21 or newer and found none (JAVA_HOME, PATH, /usr/lib/jvm): install one, e.g. 'sudo apt-get install openjdk-21-jdk' or Temurin 21/25 from https://adoptium.net, then run this again." >&2
        return 1
    fi
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
}
