#!/usr/bin/env bash
# Installs what the panel's browser tests need on a clean Debian 12 machine, idempotently:
#   apt: chromium chromium-driver (headless Chromium driven by Selenium from the tests)
#        fonts-wqy-zenhei (CJK glyphs, so the Chinese screenshots are readable)
# apt-get update runs only when a package is missing.
set -euo pipefail

APT_PACKAGES=(chromium chromium-driver fonts-wqy-zenhei)
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
echo "panel test dependencies ready: $(chromium --version 2>/dev/null || echo 'chromium ?'), $(chromedriver --version 2>/dev/null | head -n 1 || echo 'chromedriver ?')"
