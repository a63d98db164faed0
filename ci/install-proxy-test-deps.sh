#!/usr/bin/env bash
# Installs the real proxy servers the outbound client's tests go through, idempotently:
#   apt: dante-server (SOCKS5, /usr/sbin/danted), tinyproxy (HTTP proxy with CONNECT and Basic auth)
#   a system user without a shell or home for Dante's username method (RFC 1929 checks system passwords);
#   its password is a fixed test value, the account cannot log in (nologin shell).
# The packages' own services are stopped: tests start their own daemons on free loopback ports.
set -euo pipefail
# shellcheck source=ci/apt-ensure.sh
source "$(dirname "$0")/apt-ensure.sh"

APT_PACKAGES=(dante-server tinyproxy)
SOCKS_USER=spacegate-socks
SOCKS_TEST_PASSWORD=socks-test-not-secret
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
    SUDO="sudo"
fi

apt_ensure "${APT_PACKAGES[@]}"
for svc in danted tinyproxy; do
    $SUDO systemctl stop "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
if ! id "$SOCKS_USER" >/dev/null 2>&1; then
    $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin "$SOCKS_USER"
fi
echo "$SOCKS_USER:$SOCKS_TEST_PASSWORD" | $SUDO chpasswd
echo "proxy test dependencies ready: $(danted -v 2>&1 | head -n 1), $(tinyproxy -v 2>&1 | head -n 1)"
