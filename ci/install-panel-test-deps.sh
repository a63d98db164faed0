#!/usr/bin/env bash
# Installs what the panel's browser tests need on a clean Debian 12 machine, idempotently:
#   apt: chromium chromium-driver (headless Chromium driven by Selenium from the tests)
#        fonts-wqy-zenhei (CJK glyphs, so the Chinese screenshots are readable)
# apt-get update runs only when a package is missing.
set -euo pipefail
# shellcheck source=ci/apt-ensure.sh
source "$(dirname "$0")/apt-ensure.sh"

APT_PACKAGES=(chromium chromium-driver fonts-wqy-zenhei)
apt_ensure "${APT_PACKAGES[@]}"
echo "panel test dependencies ready: $(chromium --version 2>/dev/null || echo 'chromium ?'), $(chromedriver --version 2>/dev/null | head -n 1 || echo 'chromedriver ?')"
