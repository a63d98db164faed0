#!/usr/bin/env bash
# Installs the real proxy servers the outbound client's tests go through, idempotently:
#   apt: dante-server (SOCKS5, /usr/sbin/danted), tinyproxy (HTTP proxy with CONNECT and Basic auth)
#   a system user without a shell or home for Dante's username method (RFC 1929 checks system passwords);
#   its password is a fixed test value, the account cannot log in (nologin shell).
# The packages' own services are stopped: tests start their own daemons on free loopback ports.
set -euo pipefail

APT_PACKAGES=(dante-server tinyproxy)
SOCKS_USER=spacegate-socks
SOCKS_TEST_PASSWORD=socks-test-not-secret
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
    SUDO="sudo"
fi

need_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
    echo "installing apt packages: ${need_apt[*]}"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
for svc in danted tinyproxy; do
    $SUDO systemctl stop "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
if ! id "$SOCKS_USER" >/dev/null 2>&1; then
    $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin "$SOCKS_USER"
fi
echo "$SOCKS_USER:$SOCKS_TEST_PASSWORD" | $SUDO chpasswd
echo "proxy test dependencies ready: $(danted -v 2>&1 | head -n 1), $(tinyproxy -v 2>&1 | head -n 1)"
